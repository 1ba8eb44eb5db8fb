# semspace index build|search: HNSW over .npy rows; ids are row numbers; recall against numpy's exact answer.
run: /usr/bin/python3 -c "import numpy as np; r=np.random.default_rng(1); c=r.normal(size=(20,16)); b=(c[r.integers(0,20,3000)]+0.3*r.normal(size=(3000,16))).astype(np.float32); q=(c[r.integers(0,20,50)]+0.3*r.normal(size=(50,16))).astype(np.float32); np.save('b.npy',b); np.save('q.npy',q); d=((q[:,None,:]-b[None,:,:])**2).sum(-1); np.save('gt.npy',np.argsort(d,axis=1)[:,:10].astype(np.int64)); b[7,3]=np.nan; np.save('nan.npy',b); np.save('q8.npy', q[:,:8].copy())"
run: {semspace} index build --input b.npy --output i.hnsw --m 12 --ef-construction 100 --threads 2 --quiet
stdout~ 3000 vectors of dimension 16, metric l2, m 12
run: {semspace} index search --index i.hnsw --queries q.npy -k 10 --output ids.npy --json --ground-truth gt.npy --threads 2
stdout~ "queries":50
stdout~ "queries_per_second":[0-9]
stdout~ "recall_at_10":(1(\.0)?|0\.9[5-9][0-9]*)[,}]
run: /usr/bin/python3 -c "import numpy as np; a=np.load('ids.npy'); g=np.load('gt.npy'); assert a.dtype==np.int64 and a.shape==(50,10), (a.dtype, a.shape); print('first', (a[:,0]==g[:,0]).mean())"
stdout~ first (1\.0|0\.9[5-9])
# cosine and dot build and answer too
run: {semspace} index build --input b.npy --output c.hnsw --metric cosine --quiet && {semspace} index search --index c.hnsw --queries q.npy -k 3 --output c.npy
stdout~ 50 queries in
run: {semspace} index build --input b.npy --output d.hnsw --metric dot --quiet && {semspace} index search --index d.hnsw --queries q.npy -k 3 --ef 16 --output d.npy --json
stdout~ "k":3
# bad input: one line naming the file (or row), exit 1; usage errors exit 2
run: {semspace} index build --input missing.npy --output x.hnsw
exit: 1
stderr~ missing\.npy
run: {semspace} index build --input nan.npy --output x.hnsw --quiet
exit: 1
stderr~ nan\.npy: row 7
run: {semspace} index search --index i.hnsw --queries q8.npy --output x.npy
exit: 1
stderr~ q8\.npy: queries have dimension 8 but i\.hnsw has dimension 16
run: {semspace} index search --index b.npy --queries q.npy --output x.npy
exit: 1
stderr~ b\.npy: corrupt HNSW index: magic
run: head -c 2000 i.hnsw > cut.hnsw && {semspace} index search --index cut.hnsw --queries q.npy --output x.npy
exit: 1
stderr~ cut\.hnsw: corrupt HNSW index: file_bytes
run: {semspace} index search --index i.hnsw --queries q.npy --output x.npy --ground-truth q.npy
exit: 1
stderr~ q\.npy
run: {semspace} index build --input b.npy --output x.hnsw --metric hamming
exit: 2
stderr~ --metric
run: {semspace} index build --input b.npy --output x.hnsw --m 1
exit: 2
stderr~ --m
run: {semspace} index search --index i.hnsw --queries q.npy
exit: 2
stderr~ --output
# --sq8: codes in the graph, f32 re-ranking; `index search` reads such a file unchanged, with the same recall bar
run: {semspace} index build --input b.npy --output s.hnsw --sq8 --threads 2 --quiet
stdout~ 3000 vectors of dimension 16, metric l2, m 16, ef_construction 200, sq8
run: {semspace} index search --index s.hnsw --queries q.npy -k 10 --output sids.npy --json --ground-truth gt.npy --threads 2
stdout~ "storage":"sq8"
stdout~ "rerank":30
stdout~ "recall_at_10":(1(\.0)?|0\.9[5-9][0-9]*)[,}]
run: {semspace} index search --index s.hnsw --queries q.npy -k 10 --rerank -1 --output sids.npy --json
stdout~ "rerank":0
run: {semspace} index build --input b.npy --output sc.hnsw --sq8 --metric cosine --rerank 50 --quiet && {semspace} index search --index sc.hnsw --queries q.npy -k 3 --output sc.npy --json
stdout~ "rerank":50
run: {semspace} index build --input b.npy --output x.hnsw --sq8 --rerank -2
exit: 2
stderr~ --rerank
