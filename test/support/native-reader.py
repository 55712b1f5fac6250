# A native SQLite reader (python3's sqlite3) polling a crash-writer database (table tx: every
# transaction inserts 3 rows with one number n) for a number of seconds. Each read checks that
# no transaction is partly visible and that the committed maximum never goes back. Prints one
# JSON object: reads that got in, busy answers, other errors, torn reads, regressions, the
# longest gap between two reads that got in (ms), how many gaps exceeded 100 ms, and the last
# maximum seen.
# SIGTERM ends the polling early (the result is still printed).
# Usage: native-reader.py <db> <seconds> [busy timeout seconds]
import json, signal, sqlite3, sys, time

path, seconds = sys.argv[1], float(sys.argv[2])
busy_timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
result = {'reads': 0, 'busy': 0, 'errors': [], 'torn': 0, 'regressions': 0, 'maxGapMs': 0.0, 'gapsOver100Ms': 0, 'lastMax': 0}
end = time.monotonic() + seconds


def stop(_signum, _frame):
    global end
    end = 0


signal.signal(signal.SIGTERM, stop)
last_read = time.monotonic()
while time.monotonic() < end:
    try:
        con = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        try:
            con.execute('BEGIN')
            exists = con.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'tx'").fetchone()[0]
            if exists:
                torn = con.execute('SELECT count(*) FROM (SELECT n FROM tx GROUP BY n HAVING count(*) != 3)').fetchone()[0]
                top = con.execute('SELECT coalesce(max(n), 0) FROM tx').fetchone()[0]
                if torn:
                    result['torn'] += 1
                if top < result['lastMax']:
                    result['regressions'] += 1
                result['lastMax'] = max(result['lastMax'], top)
            con.execute('COMMIT')
        finally:
            con.close()
        now = time.monotonic()
        gap = (now - last_read) * 1000
        result['maxGapMs'] = max(result['maxGapMs'], gap)
        if gap > 100:
            result['gapsOver100Ms'] += 1
        last_read = now
        result['reads'] += 1
    except sqlite3.OperationalError as error:
        if 'locked' in str(error) or 'busy' in str(error):
            result['busy'] += 1
        elif len(result['errors']) < 10:
            result['errors'].append(str(error))
    except sqlite3.DatabaseError as error:
        if len(result['errors']) < 10:
            result['errors'].append(str(error))
print(json.dumps(result))
