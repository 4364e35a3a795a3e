/// A cell's identity: a stable hash of its canonical resolved config, so that key order,
/// formatting and spelt-out defaults never change it, and any real change does.
module GazeInsight.Experiments.RunId

open System
open System.Security.Cryptography
open System.Text

/// Number of hex digits kept (48 bits: collisions are negligible for any real sweep).
[<Literal>]
let Length = 12

/// First 12 hex digits of the SHA-256 of the canonical text.
let ofCanonical (canonical: string) =
    let hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.Replace("\r\n", "\n")))
    Convert.ToHexString(hash).ToLowerInvariant().Substring(0, Length)

let isValid (id: string) =
    id.Length = Length && id |> Seq.forall (fun c -> Char.IsAsciiDigit c || (c >= 'a' && c <= 'f'))
