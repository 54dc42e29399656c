"""Invoice lines name the penalty they charge (account.move.line.club_penalty_id).
Penalty invoices made before: each line gets the penalty that points to it
(club.penalty.invoice_line_id), so that a credit note made after the upgrade
reverses exactly that line. (Should two penalties point to one line, named
alike before booking numbers were read-only, the line goes to the first; the
other one's credit note is then refused with a message, to be made by hand.)"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE account_move_line l
           SET club_penalty_id = p.id
          FROM (SELECT DISTINCT ON (invoice_line_id) id, invoice_line_id
                  FROM club_penalty
                 WHERE invoice_line_id IS NOT NULL
                 ORDER BY invoice_line_id, id) p
         WHERE l.id = p.invoice_line_id AND l.club_penalty_id IS NULL
        """
    )
