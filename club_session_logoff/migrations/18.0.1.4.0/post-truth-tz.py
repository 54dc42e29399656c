"""One club time zone (res.company._club_tz): the company address's time zone,
else UTC. Before 18.0.1.4.0 a club without one used its first internal user's
time zone for the kiosk, the nightly job and session names (and UTC for the
attendance report's weekday and hour). Such a club keeps the zone it worked in:
it becomes its address's, and its bookings' stored weekday and hour are
recomputed in it (in SQL: years of bookings)."""

from odoo.tools import SQL

from odoo.addons.club_session_logoff.models.res_company import club_tz_sql


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        WITH zone AS (
            SELECT c.id AS company_id, c.partner_id,
                   (SELECT up.tz
                      FROM res_users u
                      JOIN res_partner up ON up.id = u.partner_id
                     WHERE u.company_id = c.id
                       AND u.active
                       AND u.share IS NOT TRUE
                       AND up.tz IS NOT NULL
                  ORDER BY u.id
                     LIMIT 1) AS tz
              FROM res_company c
              JOIN res_partner cp ON cp.id = c.partner_id
             WHERE cp.tz IS NULL
        )
        UPDATE res_partner p
           SET tz = zone.tz
          FROM zone
         WHERE p.id = zone.partner_id AND zone.tz IS NOT NULL
     RETURNING zone.company_id
        """
    )
    company_ids = tuple(row[0] for row in cr.fetchall())
    if not company_ids:
        return
    cr.execute(
        SQL(
            """
            UPDATE club_booking b
               SET start_weekday = EXTRACT(ISODOW FROM (b.start AT TIME ZONE 'UTC')
                                       AT TIME ZONE %(tz)s)::int::varchar,
                   start_hour = EXTRACT(HOUR FROM (b.start AT TIME ZONE 'UTC')
                                    AT TIME ZONE %(tz)s)::int
              FROM res_company c
              JOIN res_partner cp ON cp.id = c.partner_id
             WHERE c.id = b.company_id
               AND b.start IS NOT NULL
               AND c.id IN %(companies)s
            """,
            tz=club_tz_sql("cp"),
            companies=company_ids,
        )
    )
