"""The time loop's arrays as borrowed views: numba's reference counting then costs a null test, not an atomic.

numba counts references to every array a compiled function holds: each array variable, slice and argument of a
call takes an atomic increment and a decrement. The loop hands ``kernel.State`` (some 80 arrays) and its slices to
its parts many times a step, and those counts made CUBA 1.6x slower at N = 4,000 and 1.3x at 64,000 than without
them (benchmarks/README.md, "Public numba options only"). The caller keeps every array alive while the loop runs,
so the loop needs none of them: ``borrow`` gives it the same arrays without their owner record (``meminfo`` NULL),
for which numba's increments and decrements are a test and a jump. Written with numba's public extension API
(``numba.extending.intrinsic``), in place of the private ``_nrt=False`` this replaces.
"""

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

__all__ = ["borrow"]


@intrinsic
def borrow(typingctx, record):
    """``record`` (a tuple or named tuple) with each array's owner record cleared: views valid while the caller's
    arrays live (the rest of the call that made them), never to be returned or stored."""
    if not isinstance(record, types.BaseTuple):
        return None

    def codegen(context, builder, signature, args):
        value = args[0]
        for index, member in enumerate(signature.args[0].types):
            if isinstance(member, types.Array):
                array = context.make_array(member)(context, builder, value=builder.extract_value(value, index))
                array.meminfo = ir.Constant(array.meminfo.type, None)
                value = builder.insert_value(value, array._getvalue(), index)
        return value

    return record(record), codegen
