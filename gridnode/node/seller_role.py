"""The seller role: one slot per configured buyer, each with its own meter, relay, link and
session; shared are only the wallet, the ledger and the stream of settled invoices.

A session's offer is placed in time when it starts and names this node's Lightning key
(the buyer pays no invoice payable to another). The role's part of the runtime's start-up
is the reconciliation (deposits of sessions that did not survive a restart are released);
its part of the shutdown is every relay off first, then no new invoice sent and the open
prepayment invoices cancelled (those LND settled credited, so each closing statement
counts every payment), then each session closed (the deposit is refunded), then what is
still open cancelled so nothing issued can be paid once the seller has stopped.

Its buyers and terms change while it runs (issue 18, :meth:`SellerRole.reconfigure`, from
a reload of the configuration): each slot's terms are read when its next offer or
renewal is made, so a running period keeps the terms both sides signed; an added buyer
gets a slot of its own at once; a removed one is retired (its session closes at the end
of its period) and let go once the credit it is owed has been paid back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence

from gridnode.clock import wait_for
from gridnode.ledger import CreditNoteState, InvoiceState
from gridnode.money import Msat
from gridnode.node.context import NodeContext
from gridnode.node.links import Listener
from gridnode.node.partner import GateOpened
from gridnode.node.readings import series_state
from gridnode.node.reconcile import reconcile_seller, sweep_open_invoices
from gridnode.node.refunds import carry_note
from gridnode.node.runner import SessionRunner
from gridnode.node.seller_slot import BuyerSlot, SlotState
from gridnode.node.settlements import SettlementRouter
from gridnode.node.views import seller_view
from gridnode.peer.tls import PinnedPeer
from gridnode.snapshot import SessionView
from gridnode.trade.cadence import BYTES_PER_PAYMENT, min_interval_ms
from gridnode.trade.events import Event, Start
from gridnode.trade.seller import SellerSession
from gridnode.trade.terms import Offer, OfferTemplate
from gridnode.wallet.port import PaymentHash, WalletError

log = logging.getLogger("gridnode.node")

#: How long the shutdown waits for the open prepayment invoices to be cancelled.
SWEEP_TIMEOUT_S = 5.0
#: How often a leaving buyer's credit notes are looked at until they are settled.
LEAVE_CHECK_S = 1.0


class SellerRole:
    name = "seller"

    def __init__(
        self,
        ctx: NodeContext,
        *,
        terms: OfferTemplate,
        server: Listener,
        listen: tuple[str, int],
        slots: list[BuyerSlot],
        storage_budget_mb_per_day: int,
    ) -> None:
        self.ctx = ctx
        self.terms = terms
        self.server = server
        self.listen = listen
        self.slots = {slot.name: slot for slot in slots}
        self.router = SettlementRouter(
            ctx.wallet, ctx.ledger, ctx.clock.now_ms, clock=ctx.clock, observer=ctx.observer
        )
        self.min_interval_ms = min_interval_ms(storage_budget_mb_per_day, BYTES_PER_PAYMENT)
        #: where the server listens once started (port 0 becomes a real port)
        self.address: tuple[str, int] | None = None
        #: this node's Lightning key, named in every offer (from LND, at prepare)
        self.payee = ""
        #: why the latest reload of the configuration changed nothing, until one works
        self.reload_problem: str | None = None
        #: pins the peer link's buyers (the factory sets it to the server's)
        self.pins: Callable[[Sequence[PinnedPeer]], object] | None = None
        self.started = False
        for slot in slots:
            self._hook(slot)

    def _hook(self, slot: BuyerSlot) -> None:
        slot.launch = self._launch
        slot.refuse = self._refusal
        slot.on_leaving = self._leaving

    # -- the runtime's hooks ----------------------------------------------------------------
    async def prepare(self) -> None:
        """Before any session: this node's Lightning key goes into every offer, and the
        deposits of sessions a restart cut short are released."""
        self.payee = (await self.ctx.wallet.node_info()).pubkey
        self.terms = dataclasses.replace(self.terms, payee_node_id=self.payee)
        await reconcile_seller(self.ctx.ledger, self.ctx.wallet, self.ctx.clock.now_ms)

    async def start(self) -> None:
        host, port = self.listen
        self.address = await self.server.start(host, port)
        tasks, sleep = self.ctx.tasks, self.ctx.clock.sleep
        tasks.keep_running(self.router.run, name="settled invoices", sleep=sleep)
        for slot in self.slots.values():
            self._start_slot(slot)
        self.started = True
        log.info("seller ready on %s:%d with %d buyers", *self.address, len(self.slots))

    def _start_slot(self, slot: BuyerSlot) -> None:
        tasks, sleep = self.ctx.tasks, self.ctx.clock.sleep
        poller = tasks.keep_running(slot.poller.run, name=f"meter {slot.meter_id}", sleep=sleep)
        slot.tasks.append(poller)
        # refunds a restart cut short are finished, exactly once
        self.ctx.tasks.spawn(slot.refunds.resume(), name=f"refunds {slot.name}")
        slot.start()

    def period_terms(self, slot: BuyerSlot, session_id: str, start_ms: int) -> OfferTemplate | None:
        """The terms of ``slot``'s period from ``start_ms``; None: no renewal (the session
        closes at the end of its period). A battery node's seller prices each period by
        the charge (:mod:`gridnode.node.battery_role`)."""
        return self.terms_of(slot)

    def terms_of(self, slot: BuyerSlot) -> OfferTemplate:
        """The terms ``slot``'s buyer is sold on now (its tariff, else the default), with
        this node's Lightning key as the payee."""
        template = slot.terms if slot.terms is not None else self.terms
        return dataclasses.replace(template, payee_node_id=self.payee) if self.payee else template

    # -- a reloaded configuration (issue 18) -------------------------------------------------
    def reconfigure(
        self,
        terms: OfferTemplate,
        buyer_terms: Mapping[str, OfferTemplate | None],
        *,
        added: Sequence[BuyerSlot] = (),
        removed: Sequence[str] = (),
    ) -> None:
        """New default terms and each buyer's tariff (None: the default), taking effect at
        each buyer's next offer or renewal; slots for ``added`` buyers, started at once;
        the ``removed`` buyers retired (closed at the end of their period, their credit
        paid back, then let go). The caller checked it all (:mod:`gridnode.node.reload`)."""
        self.terms = dataclasses.replace(terms, payee_node_id=self.payee) if self.payee else terms
        for slot in added:
            self._hook(slot)
            self.slots[slot.name] = slot
        for name, template in buyer_terms.items():
            if name in self.slots:
                self.slots[name].terms = template
        for name in removed:
            if (gone := self.slots.get(name)) is not None:
                gone.retire("this buyer was removed from the seller's configuration")
        if self.started:
            for slot in added:
                self._start_slot(slot)
                if self.ctx.gate.is_open:
                    slot.post(GateOpened())
        self.ctx.changed()

    def _leaving(self, slot: BuyerSlot) -> None:
        self.ctx.tasks.spawn(self._let_go(slot), name=f"let {slot.name} go")

    async def _let_go(self, slot: BuyerSlot) -> None:
        """Once a removed buyer's session is over and every credit note it is owed is paid
        back (or waived), its slot ends and its key is no longer pinned. A buyer that never
        asks keeps its link (and no session) until the node restarts."""
        while await self._owed(slot.peer.fingerprint):
            await self.ctx.clock.sleep(LEAVE_CHECK_S)
        for task in slot.tasks:
            task.cancel()
        if self.slots.get(slot.name) is slot:
            del self.slots[slot.name]
        if self.pins is not None:
            self.pins([s.peer for s in self.slots.values()])
        log.info("%s let go: its session is over and nothing is owed to it", slot.name)
        self.ctx.changed()

    async def _owed(self, fingerprint: str) -> bool:
        credit = self.ctx.ledger.credit
        for state in (CreditNoteState.OPEN, CreditNoteState.REQUESTED):
            if any(n.credit > Msat(0) for n in await credit.find(fingerprint, state)):
                return True
        return False

    def gate_opened(self) -> None:
        for slot in self.slots.values():
            slot.post(GateOpened())

    def broadcast(self, event: Event) -> None:
        """Tell every live session (a clock check, LND's reachability)."""
        for slot in self.slots.values():
            if (runner := slot.live) is not None:
                runner.post(event)

    def views(self, now_ms: int) -> list[SessionView]:
        return [seller_view(slot, now_ms) for slot in self.slots.values()]

    def warnings(self) -> list[str]:
        meters = [
            f"meter {slot.meter_id}: {slot.poller.last_error}"
            for slot in self.slots.values()
            if slot.poller.last_error
        ]
        refused = [
            f"no session with {slot.name}: {slot.refused}"
            for slot in self.slots.values()
            if slot.refused
        ]
        found = meters + refused
        if self.reload_problem is not None:
            found.append(self.reload_problem)
        for slot in self.slots.values():
            found.extend(f"{slot.name}: {text}" for text in slot.refunds.warnings())
            pace = slot.session.billing.pace_watch.warning if slot.live and slot.session else None
            if pace is not None:  # the steady pace against the storage budget, while it holds
                found.append(f"{slot.name}: {pace}")
        return found

    def _refusal(self, slot: BuyerSlot) -> str | None:
        """Why no session with ``slot``'s buyer may start: its channel cannot carry the
        period (its deposit and the period at the last day's spending)."""
        watch = self.ctx.liquidity
        if watch is None:
            return None
        terms = self.terms_of(slot)
        pay = terms.payments
        return watch.refusal(
            slot.peer.fingerprint, terms.period_ms, pay.initial_deposit, pay.max_payment
        )

    def healthy(self) -> bool:
        """Every meter answered its last poll (the watchdog is kicked only then)."""
        return all(slot.poller.last_error is None for slot in self.slots.values())

    def stop_session(self, session_id: str, reason: str) -> bool:
        for slot in self.slots.values():
            runner = slot.live
            if runner is not None and runner.session_id == session_id:
                slot.request_close(reason)
                return True
        return False

    def set_buying(self, buying: bool) -> bool:
        """A seller does not buy."""
        return False

    def cut_supply(self) -> None:
        for slot in self.slots.values():
            slot.relay.driver.off_now()

    async def close_sessions(self) -> None:
        try:  # nothing more can be paid, and what was paid is counted, before the statements
            await wait_for(self.ctx.clock, self._stop_invoices(), SWEEP_TIMEOUT_S)
        except Exception as exc:  # best effort: finish() sweeps them again
            log.warning("open invoices not stopped before the sessions closed: %s", exc)
        timings = self.ctx.timings
        closing: list[tuple[BuyerSlot, SessionRunner]] = []
        for slot in self.slots.values():
            if slot.state is not SlotState.STOPPED:
                slot.stop()
            runner = slot.request_close("the seller is shutting down")
            if runner is not None:
                closing.append((slot, runner))
        await asyncio.gather(*(s.wait_closed(r, timings.close_grace_s) for s, r in closing))
        # the buyer answers the close with its End reading, which makes this ledger's
        # receipt complete: wait a moment for it (the slots still route messages)
        await asyncio.gather(*(s.wait_peer_end(r, timings.peer_end_grace_s) for s, r in closing))
        # a buyer that leaves with us asks for its credit back now: a moment to pay it
        grace_s = timings.peer_end_grace_s
        await asyncio.gather(*(self._paid_back(s, grace_s) for s, _ in closing))

    async def _paid_back(self, slot: BuyerSlot, grace_s: float) -> None:
        """Wait up to ``grace_s`` until nothing is owed to ``slot``'s buyer (a refund it
        asked for as it left is paid while this node still runs; one it did not ask for
        stays owed, paid back or carried once the node runs again)."""
        clock = self.ctx.clock
        until_s = clock.monotonic() + grace_s
        while clock.monotonic() < until_s and await self._owed(slot.peer.fingerprint):
            await clock.sleep(LEAVE_CHECK_S / 10)

    async def _stop_invoices(self) -> None:
        """Before the sessions state their accounts at shutdown: cancel every open
        prepayment invoice, so no payment lands after a closing statement, and credit to
        its live session one LND settled already (a payment that landed as the node was
        told to stop, which the settled stream may report only after the session closed):
        each statement then counts every payment settled before it."""
        ledger, wallet = self.ctx.ledger, self.ctx.wallet
        self.router.stop_issuing()  # before the list: no invoice is sent that it lacks
        for invoice in await ledger.invoices.find(state=InvoiceState.OPEN):
            if invoice.hold or not invoice.bolt11:
                continue
            payment_hash = PaymentHash(invoice.payment_hash)
            try:
                await wallet.cancel_invoice(payment_hash)
            except WalletError as exc:  # most likely settled a moment ago: look it up
                log.info("invoice %s was not cancelled: %s", invoice.payment_hash.hex(), exc)
            status = await wallet.lookup_invoice(payment_hash)
            if status.state is InvoiceState.SETTLED:
                await self.router.credit(status, advance_cursor=False)
            elif status.state is InvoiceState.CANCELED:
                await ledger.invoices.set_state(invoice.payment_hash, InvoiceState.CANCELED)

    async def finish(self) -> None:
        """Nothing this seller issued can be paid once it has stopped."""
        ctx = self.ctx
        try:
            await wait_for(
                ctx.clock,
                sweep_open_invoices(ctx.ledger, ctx.wallet, ctx.clock.now_ms),
                SWEEP_TIMEOUT_S,
            )
        except Exception as exc:  # best effort: the next start reconciles them anyway
            log.warning("open invoices not swept at shutdown: %s", exc)

    async def close(self) -> None:
        await self.server.close()

    # -- one session ------------------------------------------------------------------------
    async def _launch(self, slot: BuyerSlot) -> None:
        ctx = self.ctx
        now = ctx.clock.now_ms()
        protocol_id = ctx.ids.random_bytes(16)
        session_id = protocol_id.hex()
        meter_id, alone = slot.meter_id, slot.seller_metered
        first = self.period_terms(slot, session_id, now)
        # the slot asked _refusal just before, with nothing awaited since
        assert first is not None, "a session starts only when a period may be offered"
        offer = first.offer(now, meter_id, seller_metered=alone)

        def renewal(current: Offer) -> Offer | None:
            # the terms as they are when the renewal is made: a reload reaches the buyer
            # at its next renewal, and the running period keeps what both sides signed
            if slot.removed is not None:
                return None
            terms = self.period_terms(slot, session_id, current.stop_ms)
            if terms is None:
                return None
            return terms.offer(current.stop_ms, meter_id, renewal=True, seller_metered=alone)

        clock_status = await ctx.gate.current()
        series = await series_state(ctx.ledger, ctx.signer, meter_id, clock_status, now)
        carried = await carry_note(ctx.ledger, slot.peer.fingerprint, session_id, now)
        session = SellerSession(
            offer,
            session_id=protocol_id,
            signer=ctx.signer,
            buyer=slot.verifier,
            register_step_mwh=ctx.register_step_mwh,
            renewal=renewal,
            series=series,
            clock_status=clock_status,
            min_interval_ms=self.min_interval_ms,
            carried=carried,
        )
        await slot.open_in_ledger(
            session_id,
            meter_id,
            seller_der=ctx.signer.public_key_der,
            buyer_der=slot.verifier.public_key_der,
        )
        runner = slot.new_runner(
            session_id,
            session,
            relay=slot.relay,
            publish_rate=lambda price, at: None,
            register_invoice=self.router.register,
            forget_invoices=self.router.forget,
            issuing=lambda: self.router.issuing,
        )
        slot.session, slot.protocol_id = session, protocol_id
        runner.post(Start())
        log.info("session %s with %s: offer sent", session_id, slot.name)
        slot.run(runner)
