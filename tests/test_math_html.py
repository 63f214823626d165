"""The TeX subset to HTML converter: exact HTML for each construct, and that nothing is ever executed."""

import pytest
from spikestudio.gui.base.math_html import markdown_with_math, tex_to_display_html, tex_to_html

FRAC = ('<table cellspacing="0" cellpadding="0" style="margin: 0px;"><tr><td align="center" '
        'style="border-bottom: 1px solid #888888; padding: 0px 3px;">{}</td></tr><tr><td align="center" '
        'style="padding: 0px 3px;">{}</td></tr></table>')


@pytest.mark.parametrize("tex, expected", [
    ("v", "<i>v</i>"),
    ("dv", "<i>dv</i>"),
    ("x_m", "<i>x</i><sub>m</sub>"),
    ("x_{th}", "<i>x</i><sub>th</sub>"),  # a subscript names something: upright
    ("v^2", "<i>v</i><sup>2</sup>"),
    ("n^{4}", "<i>n</i><sup>4</sup>"),
    (r"\tau_m", "<i>τ</i><sub>m</sub>"),
    (r"\theta + \Delta_T", "<i>θ</i> + Δ<sub>T</sub>"),
    (r"\frac{a}{b}", "<i>a</i>/<i>b</i>"),
    (r"\frac{v - E_L}{\tau}", "(<i>v</i> − <i>E</i><sub>L</sub>)/<i>τ</i>"),
    (r"a \cdot b", "<i>a</i> · <i>b</i>"),
    (r"v \geq V_{peak}", "<i>v</i> ≥ <i>V</i><sub>peak</sub>"),
    (r"u \leq 0", "<i>u</i> ≤ 0"),
    (r"w \mathrel{+}= b", "<i>w</i> += <i>b</i>"),  # a reset's update, as engine/equations/tex.py writes it
    (r"x \mathrel{-}= 1", "<i>x</i> −= 1"),
    (r"\exp(v)", "exp(<i>v</i>)"),
    (r"a \exp(v)", "<i>a</i>\u2009exp(<i>v</i>)"),
    (r"10 \ln 16", "10\u2009ln\u200916"),
    (r"\ln\frac{a}{b}", "ln\u2009<i>a</i>/<i>b</i>"),
    (r"R\,I", "<i>R</i>\u2009<i>I</i>"),
    (r"\text{if } v > 0", "if <i>v</i> &gt; 0"),
    ("-v + 1", "−<i>v</i> + 1"),
    ("a = -(b - c)", "<i>a</i> = −(<i>b</i> − <i>c</i>)"),
    ("0.04 v^2 + 5v + 140", "0.04<i>v</i><sup>2</sup> + 5<i>v</i> + 140"),
    (r"\tau_m \frac{dv}{dt}", "<i>τ</i><sub>m</sub>\u2009<i>dv</i>/<i>dt</i>"),
    ("(a + b)^2", "(<i>a</i> + <i>b</i>)<sup>2</sup>"),
    (r"\left(x\right)", "(<i>x</i>)"),
])
def test_inline_math(tex, expected):
    assert tex_to_html(tex) == expected


def test_unknown_commands_are_shown_by_name_and_html_is_escaped():
    assert tex_to_html(r"\input{x} \unknown") == "input<i>x</i>unknown"
    assert tex_to_html(r"\text{<script>alert(1)</script>}") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert tex_to_html("a < b & c") == "<i>a</i> &lt; <i>b</i>&amp;<i>c</i>"


def test_display_math_stacks_fractions_in_a_table():
    html = tex_to_display_html(r"\tau_m \frac{dv}{dt} = -v")
    assert html == ('<table align="center" cellspacing="0" cellpadding="0" style="margin-top: 6px; '
                    'margin-bottom: 6px;"><tr><td valign="middle"><i>τ</i><sub>m</sub>&nbsp;</td>'
                    f'<td valign="middle">{FRAC.format("<i>dv</i>", "<i>dt</i>")}</td>'
                    '<td valign="middle">&nbsp;= −<i>v</i></td></tr></table>')
    assert tex_to_display_html("x", align="left").startswith('<table align="left"')


def test_markdown_with_math_replaces_inline_and_display_math_but_not_code():
    text = "Rest at $E_L$, cost \\$5, `$x$` stays.\n$$ v^2 $$\nafter"
    assert markdown_with_math(text) == (
        "Rest at <i>E</i><sub>L</sub>, cost $5, `$x$` stays.\n\n\n"
        + tex_to_display_html("v^2") + "\n\n\nafter")


def test_math_html_survives_a_markdown_pass_unchanged():
    """Characters Markdown acts on (* _ [ ] |) come out as entities, so Qt's Markdown reader keeps them."""
    assert tex_to_html(r"\text{a_b*[c]|d}") == "a&#95;b&#42;&#91;c&#93;&#124;d"
    assert tex_to_html("a * b") == "<i>a</i> &#8727; <i>b</i>"


def test_display_math_keeps_spaces_on_both_sides_of_a_run_between_fractions():
    html = tex_to_display_html(r"\frac{a}{b} = -\frac{c}{d}")
    assert '<td valign="middle">&nbsp;= −&nbsp;</td>' in html


def test_inline_math_may_run_over_a_line_break_but_not_over_a_paragraph():
    assert markdown_with_math("a $x +\ny$ b") == "a <i>x</i> + <i>y</i> b"
    assert markdown_with_math("costs $5\n\nand $6") == "costs $5\n\nand $6"


def test_the_converter_loads_no_qt():
    import subprocess
    import sys

    code = ("import sys, spikestudio.gui.base.math_html; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]; "
            "print(bad); sys.exit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_nesting_deeper_than_anyone_writes_is_shown_as_written_not_a_recursion_error():
    from spikestudio.gui.base.math_html import MAX_NESTING, tex_to_display_html, tex_to_html

    deep = "{" * 5000 + "x"
    assert tex_to_html(deep) == deep  # escaped text, no exception
    assert deep in tex_to_display_html(deep)
    fine = "{" * (MAX_NESTING - 1) + "x" + "}" * (MAX_NESTING - 1)
    assert tex_to_html(fine) == "<i>x</i>"


@pytest.mark.parametrize("command", ["\\frac", "\\sqrt", "\\mathrm", "\\frac{a}\\sqrt"])
def test_commands_nested_without_braces_are_bounded_too(command):
    """``\\frac\\frac…`` and ``\\sqrt\\sqrt…x`` go deeper without a brace; they are shown as written."""
    from spikestudio.gui.base.math_html import MAX_NESTING, markdown_with_math, tex_to_display_html, tex_to_html

    deep = command * 1200 + "x"
    assert tex_to_html(deep).startswith("&#92;")  # escaped text, no RecursionError
    assert "&#92;" in tex_to_display_html(deep) and "&#92;" in markdown_with_math(f"${deep}$")
    assert tex_to_html("\\sqrt " * (MAX_NESTING - 2) + "x").count("√") == MAX_NESTING - 2  # math people write


def test_markdown_outside_math_and_code_is_text_never_markup():
    from spikestudio.gui.base.math_html import markdown_with_math

    out = markdown_with_math('Raw <img src="/dev/zero"> and `<b>code</b>` and $a < b$')
    assert '&lt;img src="/dev/zero">' in out and "<img" not in out
    assert "`<b>code</b>`" in out  # a code span shows its text as written
    assert "<i>a</i> &lt; <i>b</i>" in out
