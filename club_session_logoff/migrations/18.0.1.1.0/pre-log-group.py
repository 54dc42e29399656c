"""Bookings store their log-off permission (``log_group_id``, from the category).

Filled here in one UPDATE, so that the upgrade does not compute it in Python
for every booking of the club's history."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE club_booking ADD COLUMN IF NOT EXISTS log_group_id int4")
    cr.execute(
        """
        UPDATE club_booking b
           SET log_group_id = d.res_id
          FROM ir_model_data d
         WHERE d.module = 'club_session_logoff'
           AND d.model = 'res.groups'
           AND d.name = 'group_logoff_' || b.category
        """
    )
