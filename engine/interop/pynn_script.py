"""stub"""

def pynn_export(net, simulator="nest"):
    raise NotImplementedError


def pynn_script(net, simulator="nest", strict=False):
    raise NotImplementedError
