"""`gridnode demo --three-phase` without the network: its configurations load (SDM630
meters, three-phase terms the buyer accepts), its circuit is unbalanced (the appliance on
L1 alone) with sags per phase, and the summary's energy per phase adds up to the
meter's total within the meter's resolution."""

from __future__ import annotations

import json
from pathlib import Path

from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.demo import configs
from gridnode.demo.circuit import _sag, build_estate
from gridnode.demo.summary import phase_summary
from gridnode.trade.evaluate import Acceptance, evaluate
from tests.support.lnd_offline import offline_lnd


def test_the_three_phase_demo_configurations_load_and_agree(tmp_path: Path) -> None:
    lnd = offline_lnd(tmp_path)
    circuit: dict[str, object] = {"seller_port": "/dev/pts/90", "buyer_ports": ["/dev/pts/91"]}
    terms = configs.DemoTerms(three_phase=True)
    (buyer,) = [configs.prepare_buyer(tmp_path, 1)]
    seller, listen = configs.write_seller(tmp_path, lnd, circuit, [buyer], terms)
    configs.write_buyer(buyer, 1, lnd, circuit, seller, listen, terms=terms)
    selling = load_settings(seller.config, env={})
    buying = load_settings(buyer.config, env={})
    assert isinstance(selling, SellerSettings)
    assert isinstance(buying, BuyerSettings)
    assert [m.model for m in selling.hardware.meters] == ["sdm630"]
    assert [m.model for m in buying.hardware.meters] == ["sdm630"]
    electrical = selling.selling.terms.electrical
    assert (electrical.phases, electrical.imbalance_max_ma) == (3, 20_000)
    assert electrical.guarantees_frequency
    offer = selling.selling.terms.offer(1_795_000_000_000, "seller-meter-1")
    assert isinstance(evaluate(offer, buying.buying.limits, offer.start_ms), Acceptance)


def test_a_sag_names_its_phase_with_a_fourth_field() -> None:
    assert _sag("30:40:0.8") == (30.0, 40.0, 0.8)
    assert _sag("30:40:0.8:2") == (30.0, 40.0, 0.8, 2)


def test_the_three_phase_circuit_is_unbalanced_and_its_phases_add_up(tmp_path: Path) -> None:
    estate = build_estate(1, three_phase=True, time_scale=1.0, sags=[(0.0, 1e9, 0.8, 2)])
    estate.start()
    try:
        (circuit,) = estate.circuits
        circuit.set_relay(True)
        reading = circuit.reading()
        assert [round(v) for v in reading.voltages_v] == [230, 184, 230]  # L2 sags
        # the base load spread over the phases, the appliance (1 kW, on at first) on L1
        assert reading.powers_w[0] > reading.powers_w[1] == reading.powers_w[2]
        circuit.clock.manual = True
        circuit.clock.advance(90.0)  # what 90 s of the demo adds up to
        path = tmp_path / "circuit.json"
        path.write_text(json.dumps(estate.state()))
        shown = phase_summary(tmp_path)
        meter = shown["seller-meter-1"]
        assert isinstance(meter, dict)
        energy, total = meter["energy_wh"], meter["total_wh"]
        assert abs(sum(energy) - total) <= meter["resolution_wh"]
        assert energy[0] > energy[1] > 0
        assert len(meter["peak_current_a"]) == 3
        assert meter["peak_current_a"][0] > meter["peak_current_a"][2]
    finally:
        estate.stop()
