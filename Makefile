# The two commands of README.md: `make demo` runs the service with demo data,
# `make test` runs every test layer against the real Neo4j and Redis.
# Both set up what is missing and reuse what is already there.

PYTHON ?= python3.11
# The dependency virtualenv is shared between checkouts and keyed by the dependency
# lists of pyproject.toml, so a second run (or a fresh clone in CI) skips the
# multi-GB PyTorch install.
VENV_ROOT ?= $(HOME)/.cache/graph-service
DEPS_KEY := $(shell $(PYTHON) -c 'import tomllib,hashlib,json;p=tomllib.load(open("pyproject.toml","rb"))["project"];print(hashlib.sha256(json.dumps([p["dependencies"],p["optional-dependencies"]]).encode()).hexdigest()[:16])')
VENV ?= $(VENV_ROOT)/venv-$(DEPS_KEY)
BIN := $(VENV)/bin
GS := $(BIN)/graph-service
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo test setup services stop lint typecheck browser rabbitmq

$(VENV)/.deps-installed:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11" >&2; exit 2; }
	@# Older dependency sets are several GB each: keep only the current one.
	find $(VENV_ROOT) -maxdepth 1 -name 'venv-*' ! -path '$(VENV)' -exec rm -rf {} + 2>/dev/null || true
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet '.[dev]'
	touch $@

setup: $(VENV)/.deps-installed
	@# The checkout itself is installed editable on every run (seconds): the venv is shared.
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@# .venv points at the shared venv for editors; a real .venv folder is left alone.
	@[ -d .venv ] && [ ! -L .venv ] || ln -sfn $(VENV) .venv

services: setup
	$(GS) redis start --install
	$(GS) neo4j start
	$(GS) migrate

demo: services
	$(GS) up

# Headless Chromium checks that the Neo4j Browser page really loads (Debian's package).
browser:
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's rabbitmq-server for the GRAPH_BROKER=rabbitmq e2e test, which starts its own node
# on a free port (root only, like the browser; about 20 s with apt on a fresh machine).
rabbitmq: setup
	@[ "$$(id -u)" != 0 ] || $(GS) rabbitmq install

test: services browser rabbitmq lint typecheck
	$(BIN)/python -m pytest -p no:cacheprovider -ra

stop: setup
	-$(GS) neo4j stop
	-$(GS) redis stop

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy
