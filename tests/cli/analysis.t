# project (PCA) and cluster (k-means) on the three kinds of input: .npy, a word-vector model, a collection.
run: python3 {source}/tests/cli/gen_blobs.py 30 5 blobs.npy labels.txt
# PCA: three blobs on three axes span two directions of almost equal variance
run: {semspace} project --input blobs.npy --json
stdout~ "explained_variance_ratio":\[0\.[45][0-9]*,0\.[45][0-9]*\]
stdout~ "coordinates":\[\[-?[0-9.]+,-?[0-9.]+\],
stdout~ "fit_seconds":[0-9.e-]+,.*"rows":90,.*"solver":"exact"
run: {semspace} project --input blobs.npy --labels labels.txt --json
stdout~ "labels":\["blob0","blob1","blob2","blob0"
run: {semspace} project --input blobs.npy --dim 3 --labels labels.txt
stdout~ ^# pca \(exact\) of 90 rows of dimension 5 to 3: explained variance ratio 0\.[0-9]+ 0\.[0-9]+ 0\.[0-9]+ \(total 0\.99
stdout~ \n0\tblob0\t-?[0-9.]+\t-?[0-9.e-]+\t-?[0-9.e-]+\n
# fit once, save, apply later: the same coordinates byte for byte; randomized is forceable
run: {semspace} project --input blobs.npy --output coords.npy --save-pca blobs.pca --threads 1
stdout~ wrote 90 x 2 coordinates to coords\.npy
run: {semspace} project --input blobs.npy --load-pca blobs.pca --output again.npy --threads 1 --json && cmp coords.npy again.npy
stdout~ "output":"again\.npy","pca_model":"blobs\.pca"
run: {semspace} project --input blobs.npy --solver randomized --json
stdout~ "solver":"randomized"
# t-SNE: the three blobs stay apart (each point's nearest neighbour in the map is from its blob: checked by
# tsne_check.py); JSON report; one thread and a fixed seed give the same map byte for byte; 3-D and plots
run: {semspace} project --input blobs.npy --method tsne --perplexity 10 --json
stdout~ "dim":2,.*"iterations":1000,.*"kl_divergence":0\.[0-9]+,.*"method":"tsne",.*"rows":90,"seconds":[0-9.e-]+,"tsne_method":"exact"
run: {semspace} project --input blobs.npy --method tsne --perplexity 10 --threads 1 --seed 3 --output map1.npy && {semspace} project --input blobs.npy --method tsne --perplexity 10 --threads 1 --seed 3 --output map2.npy && cmp map1.npy map2.npy && python3 {source}/tests/cli/tsne_check.py map1.npy labels.txt
stdout~ nearest neighbour in the same blob: 90 of 90
run: {semspace} project --input blobs.npy --method tsne --perplexity 10 --iterations 600 --dim 3 --labels labels.txt
stdout~ ^# tsne \(exact\) of 90 rows of dimension 5 to 3: KL divergence [0-9.]+ after 600 iterations
stdout~ \n0\tblob0\t-?[0-9.e-]+\t-?[0-9.e-]+\t-?[0-9.e-]+\n
run: {semspace} project --input blobs.npy --method tsne --perplexity 10 --labels labels.txt --output map.svg
stdout~ wrote a scatter plot of 90 points to map\.svg
run: grep -c '<title>' map.svg
stdout~ ^9[0-9]
# impossible flags: usage errors (exit 2)
run: {semspace} project --input blobs.npy --method tsne
exit: 2
stderr~ blobs\.npy: t-SNE with perplexity 30 needs at least 91 rows \(3 \* perplexity \+ 1\), got 90; use --perplexity 29 or less
run: {semspace} project --input blobs.npy --method tsne --perplexity 10 --dim 4
exit: 2
stderr~ --dim 4: t-SNE maps to 2 or 3 dimensions
run: {semspace} project --input blobs.npy --perplexity 10
exit: 2
stderr~ --perplexity, --iterations and --tsne-method need --method tsne
run: {semspace} project --input blobs.npy --dim 6
exit: 2
stderr~ --dim 6 is more than blobs\.npy allows: 90 rows of dimension 5 give at most 5 components
run: {semspace} project --input blobs.npy --load-pca blobs.pca --dim 3
exit: 2
run: {semspace} project --dim 2
exit: 2
stderr~ give exactly one of --input
run: {semspace} project --help
stdout~ --collection
stdout~ --save-pca
# bad data: exit 1 naming the file
run: printf 'x' | dd of=blobs.pca bs=1 seek=70 conv=notrunc 2>/dev/null && {semspace} project --input blobs.npy --load-pca blobs.pca
exit: 1
stderr~ blobs\.pca: checksum mismatch
run: python3 {source}/tests/cli/npy_row.py 1 2 3 > row3.npy && {semspace} project --input row3.npy --load-pca coords.npy
exit: 1
stderr~ coords\.npy: not a semspace PCA model
run: python3 {source}/tests/cli/npy_row.py 1 nan 3 > nan.npy && {semspace} cluster --input nan.npy --k 1
exit: 1
stderr~ nan\.npy: row 0 \(0\) has a NaN value in column 1
run: head -5 labels.txt > short.txt && {semspace} cluster --input blobs.npy --k 3 --labels short.txt
exit: 1
stderr~ short\.txt has 5 labels but the input has 90 rows
run: {semspace} project --input missing.npy
exit: 1
stderr~ missing\.npy
# k-means: the planted blobs come back exactly (purity 1), well separated (silhouette near 1)
run: {semspace} cluster --input blobs.npy --k 3 --labels labels.txt --json --output clusters.txt
stdout~ "cluster_sizes":\[30,30,30\]
stdout~ "converged":true,"dim":5,"fit_seconds":[0-9.e-]+,
stdout~ "purity":1\.0
stdout~ "silhouette":0\.9[0-9]*,"silhouette_rows":90,"silhouette_sampled":false
run: wc -l < clusters.txt && head -3 clusters.txt | sort -u | wc -l
stdout~ ^90\n3\n$
run: {semspace} cluster --input blobs.npy --k 3 --silhouette-sample 30
stdout~ silhouette 0\.9[0-9]* \(sample of 30 rows\)
stdout~ cluster [0-2]: 30 rows: 
run: {semspace} cluster --input blobs.npy --k 3 --algorithm minibatch --batch-size 16 --labels labels.txt --json
stdout~ "algorithm":"minibatch"
stdout~ "purity":1\.0
run: {semspace} cluster --input blobs.npy --k 1 --json
stdout~ "silhouette":null
run: {semspace} cluster --input blobs.npy --k 91
exit: 2
stderr~ --k 91 is larger than the number of rows of blobs\.npy \(90\)
run: {semspace} cluster --input blobs.npy
exit: 2
stderr~ --k is required
run: {semspace} cluster --help
stdout~ --n-init
# a word-vector model: rows are the first --limit words, names are the words
run: printf '5 3\nking 1 0 0\nqueen 0.9 0.1 0\ncar 0 0 1\ntruck 0 0.1 0.9\nrare 0.5 0.5 0.5\n' > words.vec
run: {semspace} project --model words.vec --limit 4 --json
stdout~ "names":\["king","queen","car","truck"\]
stdout~ "rows":4
run: {semspace} cluster --model words.vec --limit 4 --k 2
stdout~ cluster [01]: 2 rows: (king, queen|car, truck)\n
# a collection: rows are its points, names their ids
run: {semspace} collection create v --dim 3 --db c.db && printf '{"id":"a","vector":[1,0,0]}\n{"id":7,"vector":[0.9,0.1,0]}\n{"id":"c","vector":[0,0,1]}\n{"id":"d","vector":[0,0.1,0.9]}\n' > p.jsonl && {semspace} collection upsert v --input p.jsonl --db c.db
run: {semspace} project --collection v --db c.db --json
stdout~ "names":\["a","7","c","d"\]
run: {semspace} cluster --collection v --db c.db --k 2 --json
stdout~ "cluster_sizes":\[2,2\]
run: {semspace} cluster --collection nope --db c.db --k 2
exit: 1
stderr~ collection 'nope' does not exist
