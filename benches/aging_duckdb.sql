-- The aging summary of CONTRACT.md §3 (basis due, buckets 30,60,90,120, credits column) in
-- DuckDB SQL: the peer arx is measured against. Tables customers/invoices/payments/applications
-- are views over CSV or Parquet created by benches/aging.py; {as_of} is substituted there.
-- The result must be byte-identical to `arx aging --as-of {as_of} --format csv`.
WITH
apps AS (SELECT * FROM applications WHERE applied_date <= DATE '{as_of}'),
applied_to AS (SELECT document_no, SUM(amount) AS s FROM apps GROUP BY ALL),
credit_from AS (SELECT source, SUM(amount) AS s FROM apps WHERE kind = 'credit' GROUP BY ALL),
pay_from AS (SELECT source, SUM(amount) AS s FROM apps WHERE kind = 'payment' GROUP BY ALL),
first_app AS (
    SELECT source, arg_min(document_no, applied_date::VARCHAR || '|' || document_no) AS doc
    FROM apps WHERE kind = 'payment' GROUP BY ALL
),
doc_items AS (
    SELECT d.customer_id, d.currency, COALESCE(d.due_date, d.doc_date) AS due,
           d.amount - COALESCE(a.s, 0) + COALESCE(c.s, 0) AS open
    FROM invoices d
    LEFT JOIN applied_to a ON a.document_no = d.document_no
    LEFT JOIN credit_from c ON c.source = d.document_no
    WHERE d.doc_date <= DATE '{as_of}'
),
pay_items AS (
    SELECT COALESCE(p.customer_id, i.customer_id) AS customer_id, p.currency, p.payment_date AS due,
           -(p.amount - COALESCE(f.s, 0)) AS open
    FROM payments p
    LEFT JOIN pay_from f ON f.source = p.payment_id
    LEFT JOIN first_app fa ON fa.source = p.payment_id
    LEFT JOIN invoices i ON i.document_no = fa.doc
    WHERE p.payment_date <= DATE '{as_of}'
),
items AS (
    SELECT customer_id, currency, DATE '{as_of}' - due AS age, open FROM doc_items WHERE open <> 0
    UNION ALL
    SELECT customer_id, currency, DATE '{as_of}' - due AS age, open FROM pay_items WHERE open <> 0
),
summary AS (
    SELECT customer_id, currency,
        SUM(CASE WHEN open > 0 AND age <= 0 THEN open ELSE 0 END) AS b0,
        SUM(CASE WHEN open > 0 AND age BETWEEN 1 AND 30 THEN open ELSE 0 END) AS b1,
        SUM(CASE WHEN open > 0 AND age BETWEEN 31 AND 60 THEN open ELSE 0 END) AS b2,
        SUM(CASE WHEN open > 0 AND age BETWEEN 61 AND 90 THEN open ELSE 0 END) AS b3,
        SUM(CASE WHEN open > 0 AND age BETWEEN 91 AND 120 THEN open ELSE 0 END) AS b4,
        SUM(CASE WHEN open > 0 AND age > 120 THEN open ELSE 0 END) AS b5,
        SUM(CASE WHEN open < 0 THEN open ELSE 0 END) AS unapplied,
        SUM(open) AS total
    FROM items GROUP BY ALL
)
SELECT s.customer_id, c.name AS customer_name, s.currency,
    fmt(b0, s.currency) AS "current", fmt(b1, s.currency) AS "1-30", fmt(b2, s.currency) AS "31-60",
    fmt(b3, s.currency) AS "61-90", fmt(b4, s.currency) AS "91-120", fmt(b5, s.currency) AS "121+",
    fmt(unapplied, s.currency) AS unapplied, fmt(total, s.currency) AS total
FROM summary s LEFT JOIN customers c ON c.customer_id = s.customer_id
WHERE NOT (b0 = 0 AND b1 = 0 AND b2 = 0 AND b3 = 0 AND b4 = 0 AND b5 = 0 AND unapplied = 0 AND total = 0)
ORDER BY s.customer_id NULLS FIRST, s.currency
