"""The live rate feed: the buyer publishes its price over ZeroMQ for smart loads.

- :mod:`~gridnode.ratefeed.message`: the message and its forecast (pure, no ZeroMQ);
- :mod:`~gridnode.ratefeed.publisher`: the PUB socket, re-send loop and CurveZMQ/ZAP;
- :mod:`~gridnode.ratefeed.subscriber`: the SUB side the load agent reads;
- :mod:`~gridnode.ratefeed.keys`: CurveZMQ key pairs and allow-lists;
- :mod:`~gridnode.ratefeed.buyer`: what the buyer node publishes from its session.
"""
