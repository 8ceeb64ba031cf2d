"""What is built on the rest: data sets, the training loop, the articles' worked examples,
the benchmark and the `autograd-scalar` command line."""
