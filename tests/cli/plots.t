# project --output FILE.png|svg|pdf draws the PCA coordinates; report writes one HTML page.
run: python3 {source}/tests/cli/gen_blobs.py 30 5 blobs.npy labels.txt
# PNG: a real PNG of the default size
run: {semspace} project --input blobs.npy --labels labels.txt --output view.png
stdout~ wrote a scatter plot of 90 points to view\.png
run: /usr/bin/python3 -c "import struct; d = open('view.png', 'rb').read(); print(d[:8] == b'\x89PNG\r\n\x1a\n', struct.unpack('>II', d[16:24]))"
stdout~ ^True \(900, 650\)
# SVG: well-formed, one tooltip per point, three colours for three labels, a legend and the title, escaped
run: {semspace} project --input blobs.npy --labels labels.txt --output view.svg --title 'blobs <3> & "more"' --json
stdout~ "output":"view\.svg"
run: /usr/bin/python3 {source}/tests/reference/markup_check.py view.svg > view.json && /usr/bin/python3 -c "import json; d = json.load(open('view.json')); print(len(d['points']), sum(p['titles'] for p in d['points']), len(set(p['fill'] for p in d['points'])), d['points'][0]['title'])" && grep -c '<title>' view.svg
stdout~ ^90 90 3 [0-9]+ \(label blob[012]\)\n90\n$
run: /usr/bin/python3 {source}/tests/reference/markup_check.py view.svg
stdout~ "blobs <3> & \\"more\\""
stdout~ "blob0 \(30\)"
stdout~ "PC1 \(
run: grep -c 'blobs &lt;3&gt; &amp; &quot;more&quot;' view.svg
stdout~ ^1\n
# PDF too
run: {semspace} project --input blobs.npy --output view.pdf && head -c 5 view.pdf
stdout~ %PDF-
# words as point labels: a word-vector model's names drawn beside the points
run: printf '5 3\nking 1 0 0\nqueen 0.9 0.1 0\ncar 0 0 1\ntruck 0 0.1 0.9\nrare 0.5 0.5 0.5\n' > words.vec
run: {semspace} project --model words.vec --output words.svg --point-labels && /usr/bin/python3 {source}/tests/reference/markup_check.py words.svg > w.json && /usr/bin/python3 -c "import json; d = json.load(open('w.json')); print(all(w in d['texts'] for w in ['king', 'queen', 'car', 'truck']), sorted(p['title'] for p in d['points']))"
stdout~ \nTrue \['car', 'king', 'queen', 'rare', 'truck'\]
run: {semspace} project --model words.vec --output words.svg && /usr/bin/python3 {source}/tests/reference/markup_check.py words.svg > w.json && /usr/bin/python3 -c "import json; d = json.load(open('w.json')); print(any(w in d['texts'] for w in ['king', 'queen', 'car', 'truck']))"
stdout~ \nFalse\n
# usage errors (exit 2): a plot shows 2 dimensions; plot flags need a plot; unknown extensions
run: {semspace} project --input blobs.npy --dim 3 --output view.png
exit: 2
stderr~ --output view\.png: a plot shows 2 dimensions, not 3; use --dim 2
run: {semspace} project --input blobs.npy --point-labels
exit: 2
stderr~ --point-labels and --title shape a plot
run: {semspace} project --input blobs.npy --output view.jpg
exit: 2
stderr~ --output view\.jpg: expected a \.npy file, or \.png, \.svg or \.pdf for a plot
# a file that cannot be written: exit 1 naming it
run: {semspace} project --input blobs.npy --output missing/dir/view.png
exit: 1
stderr~ missing/dir/view\.png
# report: the sections, the picture with one tooltip per row, clusters that recover the blobs
run: {semspace} report --input blobs.npy --labels labels.txt --k 3 --output report.html --json
stdout~ "cluster_sizes":\[30,30,30\]
stdout~ "purity":1\.0
stdout~ "output":"report\.html"
run: /usr/bin/python3 {source}/tests/reference/markup_check.py report.html > report.json && /usr/bin/python3 -c "import json; d = json.load(open('report.json')); print(d['root'], d['sections'], len(d['points']), sum(p['titles'] for p in d['points']))"
stdout~ ^html \['projection', 'clusters', 'neighbours'\] 90 90\n$
run: /usr/bin/python3 {source}/tests/reference/markup_check.py report.html
stdout~ "blob[012] \(100\.0%\)"
run: grep -c 'src=\|<script\|<link' report.html
exit: 1
stdout~ ^0
# a word model with names that need escaping, probes, and evaluation files
run: printf '6 3\nking 1 0 0\nqueen 0.9 0.1 0\nman 0.8 -0.1 0.1\nwoman 0.7 0.2 0.1\n<b>&amp; 0 0 1\nx"y 0 0.1 0.9\n' > esc.vec
run: printf ': capital\nking queen man woman\n' > q.txt && printf 'king queen 9\nking man 5\nqueen <b>&amp; 1\n' > pairs.txt
run: {semspace} report --model esc.vec --k 2 --probe king --probe 'x"y' --neighbors 2 --analogies q.txt --similarity pairs.txt --title 'My <model>' --output esc.html --json
stdout~ "analogy_accuracy":(0|1)(\.0)?,
stdout~ "probes":\["king","x\\"y"\]
stdout~ "similarity_spearman":1\.0
run: /usr/bin/python3 {source}/tests/reference/markup_check.py esc.html
stdout~ "sections": \["projection", "clusters", "neighbours", "analogies", "similarity"\]
stdout~ "headings": \["My <model>"
stdout~ "title": "<b>&amp; \(cluster [01]\)"
stdout~ "king", "queen \(0\.[0-9]+\), man \(0\.[0-9]+\)"
stdout~ "x\\"y", "<b>&amp; \(0\.[0-9]+\)
run: grep -c '&lt;b&gt;&amp;amp;' esc.html
stdout~ ^[1-9]
# report errors: evaluation needs a model (exit 2); an unknown probe, too few rows (exit 1)
run: {semspace} report --input blobs.npy --analogies q.txt --output r.html
exit: 2
stderr~ --analogies and --similarity evaluate a word-vector model
run: {semspace} report --input blobs.npy --probe nope --output r.html
exit: 1
stderr~ --probe 'nope' is not a row of blobs\.npy
run: python3 {source}/tests/cli/npy_row.py 1 2 3 > row3.npy && {semspace} report --input row3.npy --output r.html
exit: 1
stderr~ row3\.npy has 1 rows of dimension 3: a report needs at least 2 rows
run: {semspace} report --input blobs.npy
exit: 2
stderr~ --output is required
run: {semspace} report --help
stdout~ --probe
# more rows than the page draws: a seeded sample of 20,000 (20,000 tooltips + the page's <title>), said in the
# caption; the clusters still count all rows
run: python3 {source}/tests/cli/gen_blobs.py 6667 2 many.npy many.txt && {semspace} report --input many.npy --k 3 --output many.html --json
stdout~ "cluster_sizes":\[6667,6667,6667\]
run: grep -c '<title>' many.html && grep -o 'A uniform sample of 20000 of the 20001 rows' many.html
stdout~ ^20001\nA uniform sample
