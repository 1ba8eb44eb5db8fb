# `semspace model pull` without a hub: usage errors exit 2, an unreachable endpoint exits 1 naming the URL.
# (Pulls against an imitation hub are in tests/unit/cli/model_command_test.cpp.)
run: {semspace} model
exit: 2
run: {semspace} model pull
exit: 2
stderr~ REPO
run: HF_HOME={tmp}/hf SEMSPACE_HOME={tmp}/home {semspace} model pull not-an-org-slash-name
exit: 2
stderr~ "not-an-org-slash-name" is not a hub model id
run: HF_HOME={tmp}/hf SEMSPACE_HOME={tmp}/home {semspace} model pull org/model --revision ../x
exit: 2
stderr~ not a revision
run: HF_HOME={tmp}/hf SEMSPACE_HOME={tmp}/home HF_ENDPOINT=http://127.0.0.1:1 {semspace} model pull org/model
exit: 1
stderr~ http://127\.0\.0\.1:1/api/models/org/model/revision/main: network error
run: HF_ENDPOINT=ftp://example.org SEMSPACE_HOME={tmp}/home {semspace} model pull org/model
exit: 2
stderr~ HF_ENDPOINT
