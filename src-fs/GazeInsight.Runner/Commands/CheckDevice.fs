/// `runner check-device`: what the device can do, checked with real work (GazeInsight.Torch's
/// DeviceCheck): device, libtorch, CUDA, TF32, a tiny fp32 and bf16 forward/backward. The first
/// step of scripts/device-check.sh on a GPU machine; exit 0 only when the fp32 step is sound.
module GazeInsight.Runner.Commands.CheckDevice

open Argu
open GazeInsight.Runner
open GazeInsight.Torch.Benchmarks

type Args =
    | [<Unique>] Device of string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Device _ -> "auto (default), cpu, cuda or cuda:N."

let private step (r: TinyStepResult) =
    if r.Ok then $"ok (loss %.4f{r.Loss})"
    elif r.Ran then $"FAILED: loss %g{r.Loss} or its gradients are not finite"
    else $"FAILED: {r.Problem}"

let run (args: ParseResults<Args>) =
    match Cli.torchDevice (args.GetResult(Device, "auto")) with
    | Error problem -> Cli.invalidInput [ problem ]
    | Ok _ ->
        let r = DeviceCheck.Run(args.GetResult(Device, "auto"))
        printfn "device: %s" r.Device
        printfn "libtorch: TorchSharp's libtorch %s, loaded from %s%s" r.TorchSharpLibTorchVersion r.LibTorch
            (match r.PyTorchVersion with
             | null -> ""
             | v -> $" (PyTorch {v})")
        printfn "cuda available: %b (%d devices)" r.CudaAvailable r.CudaDevices
        printfn "tf32 matmul: %b" r.Tf32Matmul
        printfn "cpu threads: %d" r.Threads
        printfn "fp32 forward/backward: %s" (step r.Float32)
        printfn "bf16 forward/backward: %s" (step r.BFloat16)
        printfn "bf16 supported: %b" r.BFloat16.Ok
        if r.Float32.Ok then Cli.Exit.Ok else Cli.Exit.RunsFailed
