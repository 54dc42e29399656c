"""No text stored in the language of whoever wrote it (issue 20, phase 2):

- a session's name ("Spinning · Mon 07:00 · Marco") is no longer stored but
  computed when read, in the reader's language: its column goes;
- the nightly job's last-run summary is stored as its counts
  (``club_unlogged_last_counts``) and written in the reader's language: a
  summary stored before is kept as it was written (``{"text": ...}``) until the
  next run replaces it, and its column goes."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'res_company' AND column_name = 'club_unlogged_last_summary'
        """
    )
    if cr.fetchone():
        cr.execute(
            """
            UPDATE res_company
               SET club_unlogged_last_counts =
                       jsonb_build_object('text', club_unlogged_last_summary)
             WHERE club_unlogged_last_summary IS NOT NULL
               AND club_unlogged_last_counts IS NULL
            """
        )
        cr.execute("ALTER TABLE res_company DROP COLUMN club_unlogged_last_summary")
    cr.execute("ALTER TABLE club_session DROP COLUMN IF EXISTS name")
