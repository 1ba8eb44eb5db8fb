# The two commands of the Quickstart, plus the usual build targets.
#   make        build everything; the CLI lands at build/semspace
#   make demo   set-up if needed, build, train the default model if missing, build the demo collection, answer
#   make test   set-up if needed, build, run every test
#   make serve  set-up if needed, build, serve the default model and the demo collection (semspace serve)
BUILD ?= build
JOBS  ?= $(shell nproc)
SEMSPACE_HOME ?= $(HOME)/.cache/semspace
export SEMSPACE_HOME

.PHONY: all setup configure demo test serve fuzz bench clean
all: configure
	cmake --build $(BUILD) -j $(JOBS)

setup:
	@bash scripts/setup

configure: $(BUILD)/build.ninja
$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

demo: setup
	@$(MAKE) --no-print-directory all
	@bash scripts/demo

test: setup
	@$(MAKE) --no-print-directory all
	cd $(BUILD) && SEMSPACE_BROWSER_TEST=1 ctest --output-on-failure -j $(JOBS)
	@bash scripts/fuzz --seconds 10

serve: setup
	@$(MAKE) --no-print-directory all
	$(BUILD)/semspace serve $(SERVE_FLAGS)

fuzz: setup
	@bash scripts/fuzz --seconds 60

bench: setup
	@bash scripts/setup --bench
	@$(MAKE) --no-print-directory all
	@bash bench/compare/train_vs_fasttext.sh
	@bash bench/compare/ann_vs_hnswlib_faiss.sh

clean:
	rm -rf $(BUILD) build-fuzz
