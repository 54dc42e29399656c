"""The outcomes of a booking, declared once.

Everything that depends on what a booking's state means reads this table: the
``state`` and "Log As" selections and their help, the states a booking may come
from, what its session credit becomes, its chatter line and its colour in the
Grid View, and what the state counts as -- holds a seat, open, logged, attended,
missed, in the no-show rate, a strike, shown by the report (``states_where``
turns each into the tuple of states SQL, domains and Python read). A new outcome
is one entry here, plus the action that leads to it.
"""

from dataclasses import dataclass

from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)
# The texts of the tables below are lazy translations (there is no environment
# at import time); methods translate them with self.env._(text).
# pylint: disable=prefer-env-translation


@dataclass(frozen=True)
class Outcome:
    state: str
    label: str
    help: str
    # Grid View colour (Odoo's colour index).
    color: int
    # The states a booking may come from to reach this one.
    from_states: frozenset
    # What the booking's session credit becomes: "use" (consumed), "lose"
    # (consumed, the member did not come), "release" (untied, back to the
    # member) or None (it stays tied, reserved).
    credit_move: str | None = None
    # The chatter line about the credit moved, with %(credit)s its number.
    credit_text: object = None
    # A correction refused because the bookings are in this state already, with
    # %(bookings)s their numbers (one whole sentence per state).
    already_text: object = None
    # Staff decide it when they log a booking off (Log As, log_booking).
    logged_by_staff: bool = False
    # Only once the session has started (what happened is known by then): a
    # booking in such a state shows that its session took place ("done").
    after_start: bool = False
    # Still to be decided (booked, waiting for a seat): it follows its session
    # when that moves, its member and times may change; the others are history.
    is_open: bool = False
    # Holds a seat of its session (and is paid for: the POS takes payment for
    # it). A waitlisted or cancelled booking holds none.
    holds_seat: bool = False
    # A club manager may turn a booking in this state into any other
    # correctable one in one step (correct_outcome), with a reason.
    correctable: bool = False
    # The kind of penalty (club.penalty, PENALTY_KINDS) the outcome charges the
    # member when the booking's offering has a fee for it; None: no penalty.
    penalty: str | None = None
    # The member's outcome is decided and logged (date, user, source): the
    # member's attendance, the day grid's "Logged" tile, the
    # Logged filters, Members at Risk, bookings kept as history (no delete).
    is_logged: bool = False
    # The member came: a visit (Members at Risk's visits, the last visit).
    attended: bool = False
    # The member held a seat to the end and did not come: the no-show rate's
    # numerator, Members at Risk's no-shows.
    missed: bool = False
    # The member was expected at the session: the no-show rate's denominator.
    in_no_show_rate: bool = False
    # A strike towards a block of the member's bookings (models/club_strikes.py).
    strike: bool = False
    # Shown by the attendance report (a waitlisted booking never had a seat).
    reported: bool = True


OUTCOMES = (
    Outcome(
        "waitlisted",
        "Waitlisted",
        "Waitlisted: the session was full; the member gets the first seat that frees "
        "up before it starts (in order of request), with a session credit, else the "
        "booking is cancelled when the session starts. No credit is held meanwhile.",
        color=3,
        # Only a new booking waits for a seat (club.booking.create).
        from_states=frozenset(),
        is_open=True,
        reported=False,
    ),
    Outcome(
        "booked",
        "Booked",
        "Booked: not logged yet; once it started, it waits in Log Sessions.",
        color=4,
        # From waitlisted: a seat freed up (club.session._promote_waitlist).
        from_states=frozenset(
            {"waitlisted", "completed", "no_show", "late_cancel", "cancelled"}
        ),
        is_open=True,
        holds_seat=True,
    ),
    Outcome(
        "completed",
        "Completed",
        "Completed: the member attended; the session credit is used.",
        color=10,
        from_states=frozenset({"booked"}),
        credit_move="use",
        credit_text=_lt("Session credit #%(credit)s used."),
        already_text=_lt("Already logged as completed: %(bookings)s."),
        logged_by_staff=True,
        after_start=True,
        holds_seat=True,
        correctable=True,
        is_logged=True,
        attended=True,
        in_no_show_rate=True,
    ),
    Outcome(
        "no_show",
        "No-Show",
        "No-Show: the member did not come; the session credit is lost.",
        color=1,
        from_states=frozenset({"booked"}),
        credit_move="lose",
        credit_text=_lt("Session credit #%(credit)s lost."),
        already_text=_lt("Already logged as no-shows: %(bookings)s."),
        logged_by_staff=True,
        after_start=True,
        holds_seat=True,
        correctable=True,
        penalty="no_show",
        is_logged=True,
        missed=True,
        in_no_show_rate=True,
        strike=True,
    ),
    Outcome(
        "late_cancel",
        "Late Cancel",
        "Late Cancel: cancelled inside the offering's late-cancel window; the "
        "session credit is lost, like a no-show.",
        color=2,
        from_states=frozenset({"booked"}),
        credit_move="lose",
        credit_text=_lt("Session credit #%(credit)s lost (late cancel)."),
        already_text=_lt("Already logged as late cancels: %(bookings)s."),
        correctable=True,
        penalty="late_cancel",
        # Decided by the member's late cancel: logged like a no-show, without
        # a seat (it went to the waitlist) nor a place in the no-show rate.
        is_logged=True,
    ),
    Outcome(
        "cancelled",
        "Cancelled",
        "Cancelled: the session will not take place; the credit was given back.",
        color=0,
        # A waitlisted booking is cancelled when the member gives up or the
        # session starts without a free seat (nothing to give back).
        from_states=frozenset({"booked", "waitlisted"}),
        credit_move="release",
        credit_text=_lt("Session credit #%(credit)s given back to the member."),
        already_text=_lt("Already cancelled: %(bookings)s."),
        correctable=True,
    ),
)

OUTCOME_BY_STATE = {outcome.state: outcome for outcome in OUTCOMES}
STATE_SELECTION = [(outcome.state, outcome.label) for outcome in OUTCOMES]
STATE_HELP = "\n".join(outcome.help for outcome in OUTCOMES)
STAFF_LOG_SELECTION = [
    (outcome.state, outcome.label) for outcome in OUTCOMES if outcome.logged_by_staff
]
# Bookings still to be decided, and the ones holding a seat of their session.
OPEN_STATES = frozenset(outcome.state for outcome in OUTCOMES if outcome.is_open)
SEAT_STATES = tuple(outcome.state for outcome in OUTCOMES if outcome.holds_seat)
CORRECTABLE_STATES = frozenset(o.state for o in OUTCOMES if o.correctable)


def states_where(attribute):
    """The states whose outcome has ``attribute`` true, in the table's order:
    a tuple, for SQL parameters (``IN %s``) and ORM domains alike."""
    return tuple(o.state for o in OUTCOMES if getattr(o, attribute))


# Every set of states the addon reads, derived from the table (never spelled
# again where it is used): Python, SQL parameters and, through the bookings'
# is_logged field, the views' domains.
LOGGED_STATES = states_where("is_logged")
TOOK_PLACE_STATES = states_where("after_start")
ATTENDED_STATES = states_where("attended")
MISSED_STATES = states_where("missed")
RATE_STATES = states_where("in_no_show_rate")
STRIKE_STATES = states_where("strike")
REPORT_STATES = states_where("reported")
# What a credit tied to a booking in each state is (a credit moved by "release"
# is no longer tied: it is available).
CREDIT_STATE_BY_MOVE = {"use": "used", "lose": "lost", None: "available"}
