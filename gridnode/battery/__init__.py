"""A battery's pure core: its state, the pledges against it, the cost of what it holds,
and the prices that follow its charge (issue 22, docs/battery.md).

No I/O and no clock: the runtime reads the inverter and the meters, passes the readings
and the durations in, and gets back a new state or a typed answer.

- :mod:`~gridnode.battery.spec`: what the battery is (capacity, reserve, maximum, power,
  efficiencies, self-discharge), in integer units, and the energy conversions across
  its losses;
- :mod:`~gridnode.battery.book`: its state of charge, the cost of the energy it holds,
  and the energy pledged to sessions and offers (pledge, settle, release, self-discharge,
  a reading of the inverter);
- :mod:`~gridnode.battery.pricing`: the offer price as a function of the charge, its
  floor (the cost of the stored energy after losses plus a margin) and the bid's cap;
- :mod:`~gridnode.battery.offer`: the offer and the bid for a coming period, as terms the
  seller's and the buyer's existing types carry;
- :mod:`~gridnode.battery.prosumer`: a household's offer from its PV surplus.

Nothing is imported here, so importing one part pulls in no other.
"""
