// The legacy SDK draws each Nonce as Math.round(Math.random() * 65535). Two
// equal Nonces in one Timestamp second are a replay, refused with 4500 on
// the real API as on the emulator (spec §3.1), so a run of a dozen calls in
// one second would fail about once in a few hundred runs. The drivers make
// the draws distinct instead, so every run is the same; the SDK itself is
// unchanged. 7919 is prime to 65536, so 65536 draws in a row all differ.
let draws = 0
Math.random = () => ((draws++ * 7919) % 65536) / 65535
