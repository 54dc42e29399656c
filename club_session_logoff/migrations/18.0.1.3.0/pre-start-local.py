"""Bookings store the weekday and hour of their start in the club's time zone
(club.booking.start_weekday, start_hour) for the attendance report. A club has
years of bookings: the ORM would compute them one by one in Python, so create
and fill the columns here, in SQL, the way the compute does it (the club's
time zone: res.company._club_tz, in SQL club_tz_sql)."""

from odoo.tools import SQL

from odoo.addons.club_session_logoff.models.res_company import club_tz_sql


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            ALTER TABLE club_booking ADD COLUMN IF NOT EXISTS start_weekday varchar;
            ALTER TABLE club_booking ADD COLUMN IF NOT EXISTS start_hour integer;
            UPDATE club_booking b
               SET start_weekday = EXTRACT(ISODOW FROM (b.start AT TIME ZONE 'UTC')
                                       AT TIME ZONE %(tz)s)::int::varchar,
                   start_hour = EXTRACT(HOUR FROM (b.start AT TIME ZONE 'UTC')
                                    AT TIME ZONE %(tz)s)::int
              FROM res_company c
              JOIN res_partner cp ON cp.id = c.partner_id
             WHERE c.id = b.company_id AND b.start IS NOT NULL
            """,
            tz=club_tz_sql("cp"),
        )
    )
