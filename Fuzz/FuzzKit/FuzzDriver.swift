import Foundation

#if FUZZING
import CLibFuzzer
#endif

/// A harness's check: runs one input through the code under test and returns what is wrong
/// (an invariant that does not hold), or nil. A crash or a hang inside is a finding too.
public typealias FuzzCheck = (UnsafeRawBufferPointer) -> String?

/// The entry point shared by the harnesses in `Fuzz/`.
///
/// - Fuzz build (`-sanitize=fuzzer -DFUZZING`, see `scripts/fuzz`): `runLibFuzzer` hands
///   control to libFuzzer with the harness's `LLVMFuzzerTestOneInput`; libFuzzer's flags work.
/// - Plain build: `replay` runs every file (or every file in every folder) named on the
///   command line through the check, prints a summary and exits 1 if any check failed.
public enum FuzzDriver {
    /// Runs one input; on a failed invariant prints it and aborts, so libFuzzer saves the input.
    public static func test(_ data: UnsafePointer<UInt8>?, _ size: Int, _ check: FuzzCheck) -> CInt {
        let input = UnsafeRawBufferPointer(start: data.map(UnsafeRawPointer.init), count: data == nil ? 0 : size)
        if let problem = check(input) {
            FileHandle.standardError.write(Data("\n==FUZZ== invariant failed: \(problem)\n".utf8))
            abort()
        }
        return 0
    }

    #if FUZZING
    /// Never returns: libFuzzer runs, replays or minimizes according to the command line.
    public static func runLibFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
    #endif

    /// Replays corpus files: `<harness> [--verbose] path…`. Exits 0 when every check held.
    public static func replay(name: String, _ check: FuzzCheck) -> Never {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let verbose = arguments.contains("--verbose")
        arguments.removeAll { $0 == "--verbose" }
        if arguments.isEmpty || arguments.contains("--help") {
            print("""
                usage: \(name) [--verbose] <file or folder>…
                Replays inputs through the \(name) harness (a plain build; see scripts/fuzz for libFuzzer).
                """)
            exit(arguments.isEmpty ? 2 : 0)
        }
        var files: [String] = []
        for path in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("\(name): no such file or folder: \(path)\n".utf8))
                exit(2)
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        var failures = 0
        let started = Date()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("\(name): cannot read \(file)\n".utf8))
                failures += 1
                continue
            }
            // Named before it runs, so a crash inside can be traced to its input.
            if verbose { FileHandle.standardError.write(Data("\(name): \(file)\n".utf8)) }
            let problem = data.withUnsafeBytes { check($0) }
            if let problem {
                failures += 1
                print("\(name): FAILED \(file): \(problem)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("\(name): replayed \(files.count) inputs in \(String(format: "%.2f", seconds)) s, \(failures) failed")
        exit(failures == 0 ? 0 : 1)
    }
}

/// A small deterministic generator (SplitMix64) for the choices a harness derives from its input,
/// such as where to split a stream; the same input always makes the same choices.
public struct FuzzRandom {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range`.
    public mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Cuts `0..<count` into consecutive non-empty ranges: single bytes, short runs, long runs.
    public mutating func chunks(count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        // Byte by byte only for short inputs: a long one fed a byte at a time is slow to run.
        let style = count > 512 ? next(in: 2...3) : next(in: 0...3)
        while start < count {
            let longest: Int
            switch style {
            case 0: longest = 1
            case 1: longest = 4
            case 2: longest = 32
            default: longest = [1, 2, 3, 8, 64, 1024][next(in: 0...5)]
            }
            let end = min(count, start + next(in: 1...longest))
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }
}
