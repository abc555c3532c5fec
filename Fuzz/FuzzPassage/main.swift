import FuzzKit

// Fuzz build (scripts/fuzz): libFuzzer drives PassageHarness.check. Plain build: replays files.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.test(data, size, PassageHarness.check)
}

FuzzDriver.runLibFuzzer(fuzzTestOneInput)
#else
FuzzDriver.replay(name: "FuzzPassage", PassageHarness.check)
#endif
