// TorchSharp's dispose-scope bookkeeping is per thread and the tests share one libtorch: run them
// one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
