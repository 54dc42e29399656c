"""Blocks and strikes become per company (18.0.1.4.0).

``res.partner.club_blocked_until`` (date) and ``club_strikes_since`` (timestamp)
were one value per contact, for every club. They are company-dependent now: one
jsonb column each, ``{"<company id>": value}``, as Odoo stores such fields.
Odoo cannot cast a date column to jsonb, so this script converts them before
the module is loaded, keeping every value:

- A block goes to the club(s) whose no-shows set it: the companies where the
  member has a no-show that started in that company's strike window
  (``club_strike_days``) before the block was set (``club_strikes_since``, which
  the strike rule sets with the block). Without such no-shows (no bookings, or
  the data changed since): the contact's company; for a contact shared between
  companies, the companies where the member has bookings; without any booking,
  every company (as before the upgrade).
- The start of counting (``club_strikes_since``) goes to every company: it
  only forgives no-shows that started before it, as it did at every club before
  the upgrade, so no member's standing changes (nobody is blocked or unblocked
  by the upgrade).

Run twice, it changes nothing (the columns are jsonb already)."""


def _column_type(cr, column):
    cr.execute(
        """
        SELECT udt_name FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = %s
        """,
        [column],
    )
    row = cr.fetchone()
    return row and row[0]


def migrate(cr, version):
    if not version:
        return
    if _column_type(cr, "club_blocked_until") not in ("date", "timestamp"):
        return  # converted already (or no strikes yet)
    cr.execute(
        """
        ALTER TABLE res_partner
            RENAME COLUMN club_blocked_until TO club_blocked_until_1_3;
        ALTER TABLE res_partner
            RENAME COLUMN club_strikes_since TO club_strikes_since_1_3;
        ALTER TABLE res_partner ADD COLUMN club_blocked_until jsonb,
                                ADD COLUMN club_strikes_since jsonb;

        -- The start of counting: every company.
        UPDATE res_partner p
           SET club_strikes_since = (
                SELECT jsonb_object_agg(
                           c.id::varchar,
                           to_char(p.club_strikes_since_1_3, 'YYYY-MM-DD HH24:MI:SS'))
                  FROM res_company c)
         WHERE p.club_strikes_since_1_3 IS NOT NULL;

        -- The block: the companies of the no-shows that set it, else the
        -- contact's company, else the companies of the member's bookings, else
        -- every company.
        WITH blocked AS (
            SELECT id, company_id, club_blocked_until_1_3 AS until,
                   club_strikes_since_1_3 AS since
              FROM res_partner WHERE club_blocked_until_1_3 IS NOT NULL
        ), by_no_shows AS (
            SELECT DISTINCT p.id, b.company_id
              FROM blocked p
              JOIN club_booking b ON b.partner_id = p.id AND b.state = 'no_show'
              JOIN res_company c ON c.id = b.company_id
             WHERE b.start <= p.since
               AND b.start >= p.since - make_interval(
                       days => GREATEST(COALESCE(c.club_strike_days, 30), 1))
        ), by_contact AS (
            SELECT p.id, p.company_id FROM blocked p
             WHERE p.company_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM by_no_shows n WHERE n.id = p.id)
        ), by_bookings AS (
            SELECT DISTINCT p.id, b.company_id FROM blocked p
              JOIN club_booking b ON b.partner_id = p.id
             WHERE p.company_id IS NULL
               AND b.company_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM by_no_shows n WHERE n.id = p.id)
        ), everywhere AS (
            SELECT p.id, c.id AS company_id FROM blocked p CROSS JOIN res_company c
             WHERE p.company_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM by_no_shows n WHERE n.id = p.id)
               AND NOT EXISTS (SELECT 1 FROM by_bookings k WHERE k.id = p.id)
        ), companies AS (
            SELECT * FROM by_no_shows
            UNION SELECT * FROM by_contact
            UNION SELECT * FROM by_bookings
            UNION SELECT * FROM everywhere
        )
        UPDATE res_partner p
           SET club_blocked_until = v.value
          FROM (SELECT k.id,
                       jsonb_object_agg(k.company_id::varchar,
                                        to_char(b.until, 'YYYY-MM-DD')) AS value
                  FROM companies k JOIN blocked b ON b.id = k.id
                 GROUP BY k.id) v
         WHERE p.id = v.id;

        ALTER TABLE res_partner DROP COLUMN club_blocked_until_1_3,
                                DROP COLUMN club_strikes_since_1_3;
        """
    )
