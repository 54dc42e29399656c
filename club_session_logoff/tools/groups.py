"""The addon's security groups, named once (security/club_security.xml defines
them): every Python file, migration and benchmark that needs a group's xml id,
or the log-off permission of a booking's category, reads it here.

Each category (class/service x session/consult) is logged off by the group named
after it, ``group_logoff_<category>``: ``log_group_xmlid`` in Python,
``log_group_update_sql`` in SQL (the upgrade to 18.0.1.1.0 and the benchmarks'
fills store it on bookings as the ORM computes it)."""

from odoo.tools import SQL

MODULE = "club_session_logoff"
MANAGER_GROUP = f"{MODULE}.group_club_manager"
BOOKING_USER_GROUP = f"{MODULE}.group_booking_user"
BOOKING_VIEWER_GROUP = f"{MODULE}.group_booking_viewer"
LOG_GROUP_PREFIX = "group_logoff_"


def log_group_xmlid(category):
    """The xml id of the group that may log off bookings of ``category``."""
    return f"{MODULE}.{LOG_GROUP_PREFIX}{category}"


def log_group_update_sql(only_missing=False):
    """SQL: store on every booking (``only_missing``: on those without one) the
    log-off permission of its category, as ``log_group_xmlid`` names it."""
    return SQL(
        """
        UPDATE club_booking b
           SET log_group_id = d.res_id
          FROM ir_model_data d
         WHERE d.module = %s
           AND d.model = 'res.groups'
           AND d.name = %s || b.category
           %s
        """,
        MODULE,
        LOG_GROUP_PREFIX,
        SQL("AND b.log_group_id IS NULL") if only_missing else SQL(""),
    )
