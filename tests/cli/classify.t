# classify train | predict and anomaly on planted blobs and planted outliers.
run: python3 {source}/tests/cli/gen_blobs.py 30 5 blobs.npy labels.txt
# Logistic regression: the blobs are separable, cross-validation is perfect; the model is saved and applied.
run: {semspace} classify train --input blobs.npy --labels labels.txt --method logistic --output blobs.clf --threads 2
stdout~ ^classify logistic on 90 rows of dimension 5, 3 classes\n5-fold cross-validation: accuracy 1\.0000, macro-F1 1\.0000\n
stdout~ blob0 +30 +0 +0\n
stdout~ wrote the logistic classifier fitted on all 90 rows to blobs\.clf
run: {semspace} classify train --input blobs.npy --labels labels.txt --method logistic --C 0.5 --folds 3 --output blobs.clf --json
stdout~ "cross_validation":\{"accuracy":1\.0,"confusion":\[\[30,0,0\],\[0,30,0\],\[0,0,30\]\],"fold_accuracy":\[1\.0,1\.0,1\.0\],"folds":3,"macro_f1":1\.0,"seed":1\}
stdout~ "method":"logistic"
run: {semspace} classify predict --input blobs.npy --classifier blobs.clf | head -4
stdout~ ^blob0\nblob1\nblob2\nblob0\n$
run: {semspace} classify predict --input blobs.npy --classifier blobs.clf --json
stdout~ "labels":\["blob0","blob1","blob2"
stdout~ "probabilities":\[\[0\.9[0-9]*,0\.0[0-9e-]*,0\.0[0-9e-]*\]
# --labels on predict scores the predictions; --output writes them
run: {semspace} classify predict --input blobs.npy --classifier blobs.clf --labels labels.txt --output predicted.txt && cmp predicted.txt labels.txt
stdout~ wrote 90 predicted labels to predicted\.txt
stderr~ accuracy against labels\.txt: 1\.0000
# k-NN: cosine by default, l2 and distance weighting on request; vote shares in JSON
run: {semspace} classify train --input blobs.npy --labels labels.txt --method knn --k 5 --metric l2 --distance-weighted --output knn.clf --json
stdout~ "accuracy":1\.0
stdout~ "k":5,.*"metric":"l2",.*"weights":"distance"
run: {semspace} classify predict --input blobs.npy --classifier knn.clf --json
stdout~ "method":"knn"
stdout~ "vote_shares":\[\[1\.0,0\.0,0\.0\]
# usage errors (exit 2): no labels, one class, k too large for the folds, --folds 1
run: {semspace} classify train --input blobs.npy --method knn --output x.clf
exit: 2
stderr~ classify train needs --labels FILE
run: yes same | head -90 > same.txt && {semspace} classify train --input blobs.npy --labels same.txt --output x.clf
exit: 2
stderr~ same\.txt holds a single class \('same'\): a classifier needs at least 2
run: {semspace} classify train --input blobs.npy --labels labels.txt --k 80 --output x.clf
exit: 2
stderr~ --k 80 is too large for 90 rows in 5 folds \(at most 72\)
run: {semspace} classify train --input blobs.npy --labels labels.txt --folds 1 --output x.clf
exit: 2
stderr~ --folds must be 0
run: {semspace} classify train --input blobs.npy --labels labels.txt --method logistic --C 0 --output x.clf
exit: 2
stderr~ C = 0 must be a positive number
run: {semspace} classify --help
stdout~ train
stdout~ predict
run: {semspace} classify train --help
stdout~ --distance-weighted
stdout~ --standardize
# runtime errors (exit 1): labels count, NaN rows, dimension mismatch, corrupt classifier
run: head -5 labels.txt > short.txt && {semspace} classify train --input blobs.npy --labels short.txt --output x.clf
exit: 1
stderr~ short\.txt has 5 labels but the input has 90 rows
run: python3 {source}/tests/cli/npy_row.py 1 nan 3 > nan.npy && {semspace} classify predict --input nan.npy --classifier blobs.clf
exit: 1
stderr~ nan\.npy: row 0 \(0\) has a NaN value in column 1
run: python3 {source}/tests/cli/npy_row.py 1 2 3 > row3.npy && {semspace} classify predict --input row3.npy --classifier blobs.clf
exit: 1
stderr~ row3\.npy has dimension 3 but the classifier blobs\.clf was trained on dimension 5
run: printf 'x' | dd of=blobs.clf bs=1 seek=70 conv=notrunc 2>/dev/null && {semspace} classify predict --input blobs.npy --classifier blobs.clf
exit: 1
stderr~ blobs\.clf: checksum mismatch
run: {semspace} classify predict --input blobs.npy --classifier blobs.npy
exit: 1
stderr~ blobs\.npy: not a semspace classifier
# anomaly: the 5 planted outliers rank first; ROC-AUC 1 with labels
run: python3 {source}/tests/cli/gen_anomalies.py cloud.npy truth.txt
run: {semspace} anomaly --input cloud.npy --labels truth.txt --top 5
stdout~ ^anomaly scores \(lof, k=20, l2\) of 105 rows of dimension 4\nroc_auc 1\.0000 \(5 anomalies\)\n
stdout~ \n10[0-4]\t10[0-4]\t[0-9.]+\n10[0-4]\t
run: {semspace} anomaly --input cloud.npy --labels truth.txt --method knn --score kth --k 5 --json --output scores.txt
stdout~ "anomalies":5,.*"method":"knn",.*"roc_auc":1\.0,.*"score":"kth"
run: wc -l < scores.txt
stdout~ ^105\n$
run: {semspace} anomaly --input cloud.npy --k 105
exit: 2
stderr~ --k 105 must be below the number of rows of cloud\.npy \(105\)
run: {semspace} anomaly --input cloud.npy --labels labels.txt
exit: 1
stderr~ has 90 labels but the input has 105 rows
run: sed 's/anomaly/weird/' truth.txt > odd.txt && {semspace} anomaly --input cloud.npy --labels odd.txt
exit: 1
stderr~ odd\.txt: line 101: label 'weird' is not an anomaly label
run: sed 's/anomaly/normal/' truth.txt > normal.txt && {semspace} anomaly --input cloud.npy --labels normal.txt
exit: 2
stderr~ normal\.txt: ROC-AUC needs both anomalies and normal rows
run: {semspace} anomaly --help
stdout~ --method
stdout~ 1/anomaly/outlier/true
