-- tests/realcode/sqlite/smoke.sql: the sqlite3 shell on a few of SQLite's
-- features; smoke.expected is the output of the shell built with cc.
.headers on
.mode list
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<1000)
INSERT INTO t SELECT i, printf('row%04d', i), i*0.5 FROM n;
SELECT count(*), sum(a), total(c), min(b), max(b) FROM t;
CREATE INDEX tb ON t(b);
SELECT a, b FROM t WHERE b BETWEEN 'row0100' AND 'row0103' ORDER BY b DESC;
SELECT a % 7 AS k, count(*) AS n, group_concat(a, ',') FILTER (WHERE a < 30) AS small
  FROM t GROUP BY k ORDER BY k;
SELECT a, sum(a) OVER (ORDER BY a ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS w
  FROM t WHERE a <= 6;
SELECT json_object('a', 1, 'b', json_array(1, 2, 'x')), json_extract('{"p":{"q":[5,6]}}', '$.p.q[1]');
CREATE VIRTUAL TABLE ft USING fts4(body);
INSERT INTO ft VALUES ('the quick brown fox'), ('jumps over the lazy dog'), ('gocc translates c');
SELECT rowid, body FROM ft WHERE ft MATCH 'the' ORDER BY rowid;
CREATE VIRTUAL TABLE rt USING rtree(id, x0, x1, y0, y1);
INSERT INTO rt VALUES (1, 0, 10, 0, 10), (2, 5, 15, 5, 15), (3, 20, 30, 20, 30);
SELECT id FROM rt WHERE x0 <= 7 AND x1 >= 7 ORDER BY id;
SELECT upper('abc'), length(zeroblob(100)), hex(zeroblob(2)), typeof(1e300*1e300), 9223372036854775807 + 1;
SELECT printf('%.3f|%5d|%-5s|%x', 3.14159, 42, 'ab', 255);
BEGIN; DELETE FROM t WHERE a > 10; SELECT count(*) FROM t; ROLLBACK;
SELECT count(*) FROM t;
PRAGMA integrity_check;
SELECT sqlite_compileoption_used('THREADSAFE=1');
