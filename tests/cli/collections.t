# Collections of vectors: id kinds, upsert semantics, filters, delete, snapshots, bad input (exit 1, nothing lost).
run: {semspace} collection create v --dim 3 --metric cosine --db c.db --json
stdout~ "dim":3
run: printf '{"id":1,"vector":[1,0,0],"metadata":{"genre":"jazz","year":1959,"album":{"label":"Blue Note"}}}\n{"id":"two","vector":[0,1,0],"metadata":{"genre":"blues","year":1962}}\n{"id":"3","vector":[0.7,0.7,0],"metadata":{"genre":"jazz","year":1970}}\n{"id":1,"vector":[0.9,0.1,0],"metadata":{"genre":"jazz","year":1958,"album":{"label":"Blue Note"}}}\n' > p.jsonl && {semspace} collection upsert v --input p.jsonl --db c.db --json
stdout~ "upserted":4
# id 1 appeared twice: the last line won; integer ids come back as integers, string ids as strings
run: {semspace} collection info v --db c.db --json
stdout~ "count":3
run: python3 {source}/tests/cli/npy_row.py 1 0 0 > q.npy && {semspace} collection search v --vector q.npy --db c.db --json
stdout~ ^\{"results":\[\{"id":1,"metadata":\{"album":\{"label":"Blue Note"\},"genre":"jazz","year":1958\},"score":0\.99
stdout~ "id":"3".*"id":"two"
run: {semspace} collection search v --vector q.npy --db c.db --json --filter '{"genre": "jazz", "year": {"$gt": 1960}}'
stdout~ ^\{"results":\[\{"id":"3"[^\]]*\]\}\s*$
run: {semspace} collection search v --vector q.npy --db c.db --json --filter '{"$or": [{"album.label": "Blue Note"}, {"genre": {"$in": ["blues"]}}]}'
stdout~ "id":1.*"id":"two"
stdout!~ "id":"3"
run: {semspace} collection search v --vector q.npy --db c.db --json --filter '{"year": {"$lt": 1900}}'
stdout~ ^\{"results":\[\]\}
# malformed filters: exit 1 naming the place
run: {semspace} collection search v --vector q.npy --db c.db --filter '{"year": {"$gtx": 1}}'
exit: 1
stderr~ filter at year\.\$gtx: operator "\$gtx" is unknown
run: {semspace} collection search v --vector q.npy --db c.db --filter '{"year": '
exit: 1
stderr~ filter is not valid JSON
# delete: 1 is the integer id, '"3"' the string id; absent ids are counted, not errors
run: {semspace} collection delete v --id 1 --id '"3"' --id nope --db c.db --json
stdout~ "deleted":2,"missing":1
run: {semspace} collection search v --vector q.npy --db c.db --json
stdout~ ^\{"results":\[\{"id":"two"[^\]]*\]\}\s*$
run: printf '{"id":5,"vector":[1,0,0]}\n{"id":6,"vector":[0,0,1]}\n' > more.jsonl && {semspace} collection upsert v --input more.jsonl --db c.db && printf '5\n"two"\n' > ids.txt && {semspace} collection delete v --ids ids.txt --db c.db --json
stdout~ "deleted":2
run: {semspace} collection info v --db c.db --json
stdout~ "count":1
# a bad line stores nothing of the file (all or nothing) and names file:line
run: printf '{"id":"a","vector":[1,0,0]}\n{"id":"b","vector":[1,0]}\n' > dim.jsonl && {semspace} collection upsert v --input dim.jsonl --db c.db
exit: 1
stderr~ dim\.jsonl:2: "vector" has dimension 2 but collection 'v' has dimension 3
run: printf '{"id":"a","vector":[1,0,0]}\n{"id":"b","vector":[1e39,0,0]}\n' > inf.jsonl && {semspace} collection upsert v --input inf.jsonl --db c.db
exit: 1
stderr~ inf\.jsonl:2: "vector"\[0\] is not a finite float
run: printf '{"id":"a","vector":[1,0,0]}\n{"id":"b","vector":[1e999,0,0]}\n' > huge.jsonl && {semspace} collection upsert v --input huge.jsonl --db c.db
exit: 1
stderr~ huge\.jsonl:2: not valid JSON: number overflow
run: printf '{"id":"a","vector":[1,0,0]}\n{"id":"b","vector":[NaN,0,0]}\n' > nan.jsonl && {semspace} collection upsert v --input nan.jsonl --db c.db
exit: 1
stderr~ nan\.jsonl:2: not valid JSON
run: printf '{"id":"a","vector":[1,0,0]}\n{"id":1.5,"vector":[1,0,0]}\n' > id.jsonl && {semspace} collection upsert v --input id.jsonl --db c.db
exit: 1
stderr~ id\.jsonl:2: "id" must be a non-empty string or an integer
run: {semspace} collection info v --db c.db --json
stdout~ "count":1
run: python3 {source}/tests/cli/npy_row.py 1 0 > q2.npy && {semspace} collection search v --vector q2.npy --db c.db
exit: 1
stderr~ query has dimension 2 but collection 'v' has 3
run: {semspace} collection search nope --vector q.npy --db c.db
exit: 1
stderr~ collection 'nope' does not exist
# a corrupted or missing snapshot is rebuilt from the database, said once on stderr
run: printf 'xxxx' | dd of=c.db.indexes/v.hnsw bs=1 seek=30 conv=notrunc 2>/dev/null && {semspace} collection search v --vector q.npy --db c.db --json
stdout~ "id":6
stderr~ rebuilding its hnsw index from the database \(c\.db\.indexes/v\.hnsw: .*checksum
run: {semspace} collection search v --vector q.npy --db c.db --json
stdout~ "id":6
stderr!~ rebuilding
run: rm c.db.indexes/v.hnsw && {semspace} collection search v --vector q.npy --db c.db --json
stdout~ "id":6
stderr~ rebuilding
# a file that is not ours: clear error, exit 1, file untouched
run: printf 'my notes\n' > notes.db && {semspace} collection info v --db notes.db
exit: 1
stderr~ notes\.db is not a semspace collection database .*left untouched
run: cat notes.db
stdout~ ^my notes\n$
run: {semspace} collection drop v --db c.db && {semspace} collection info v --db c.db
exit: 1
stderr~ does not exist
