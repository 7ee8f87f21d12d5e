/* What stands in for the CLI in the benchmark, so that only the wrapper's cost is measured. */
int main(void) { return 0; }
