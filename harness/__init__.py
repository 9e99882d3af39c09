"""Real parts on loopback that the tests and the benchmarks both drive: a recording SMS gateway,
the stack with its SMS gateways pointed at it, and a client that talks to a running stack.

Not the product (not packaged), and not a test module either, so bench/ never imports from tests/.
"""
