# examples: the README's five-minute start (bootstrap.sh example) and CI
EXTRA_DIST += examples/run-example.sh examples/demo.sh \
	examples/overrides.conf examples/upstream-zones.conf .ci/run .ci/package
