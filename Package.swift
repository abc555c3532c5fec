// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Fable",
    // Linux only: Fable is built and tested on Debian 12, and FableLLM's HTTP driver waits on
    // its sockets with epoll, which macOS lacks (`SocketWatch.swift` and `CCurl.h` stop a build
    // elsewhere with an #error saying so). The macOS entry does not mean Fable builds there: it
    // only sets the deployment target the sources need (Synchronization's types are macOS 15),
    // so a macOS build stops at that error rather than at availability errors before it.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fable", targets: ["fable"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // TLS for telnet: the listener (BoringSSL through NIOSSL) and its self-signed certificate.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // The PostgreSQL store's client: connection pool, extended protocol, transactions.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Pure core: world state, prompts, reply validation, streaming decoders. No I/O.
        .target(name: "FableCore"),
        // Runs one recurrence step against a store and a model (both protocols from the core).
        .target(name: "FableEngine", dependencies: ["FableCore"]),
        // Reader commands as values, grouped in sets, with their parser, help and checks:
        // shared by `fable serve` and `fable play`.
        .target(name: "FableCommands", dependencies: ["FableCore", "FableEngine"]),
        // SQLite persistence through GRDB.
        .target(name: "FableStore", dependencies: [
            "FableCore", "FableStoreKit",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // What both stores share and neither owns: the in-memory vectors of dense search and
        // their encoding on disk.
        .target(name: "FableStoreKit", dependencies: ["FableCore", "CVectorKernels"]),
        // The dot products of signed-byte vectors that dense search runs on, in C so one build
        // uses each CPU's widest vector instructions (AVX2 where there is one).
        .target(name: "CVectorKernels"),
        // PostgreSQL persistence through postgres-nio, behind the same ports as FableStore.
        .target(name: "FableStorePostgres", dependencies: [
            "FableCore", "FableStoreKit",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // libcurl's setopt is variadic; this C shim gives Swift fixed signatures.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // OpenAI-compatible chat-completions client with SSE streaming.
        .target(name: "FableLLM", dependencies: ["FableCore", "CCurl"]),
        // Story files: YAML front matter and a Markdown premise.
        .target(name: "FableStories", dependencies: [
            "FableCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        // A scripted OpenAI-compatible server for tests, fault injection, `fable stub` and the
        // paced model of `fable load`.
        .target(name: "FableStub", dependencies: [
            "FableCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // The system zlib (Debian's zlib1g-dev): its init functions are macros; the shim gives
        // them fixed signatures.
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        // Telnet as SwiftNIO handlers: bytes in, lines and window sizes out (RFC 854 and options,
        // MSSP, GMCP, MCCP2).
        .target(name: "FableTelnet", dependencies: [
            "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // The web client: the page, and SwiftNIO handlers that serve it over HTTP and carry a
        // reader's lines over a WebSocket to the same session a telnet connection has.
        .target(name: "FableWeb", dependencies: [
            "FableCore", "FableTelnet",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        // The telnet game server: accounts, the reader's session and commands.
        .target(name: "FableServer", dependencies: [
            "FableCore", "FableEngine", "FableCommands", "FableStories", "FableTelnet", "FableWeb",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        // Benchmarks as a library: recall on planted facts, and the step's cost apart from the
        // model, timed through the engine's own phases.
        .target(name: "FableBench", dependencies: ["FableCore", "FableEngine", "FableStore", "FableStorePostgres", "FableStub"]),
        // The load generator: reader connections speaking the line protocol over raw TCP (or
        // the web client's WebSocket), a paced stub model, and the report.
        .target(name: "FableLoad", dependencies: [
            "FableCore", "FableEngine", "FableStub",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        // Argument parsing and wiring only.
        .executableTarget(name: "fable", dependencies: [
            "FableCore", "FableEngine", "FableCommands", "FableStore", "FableStorePostgres", "FableLLM", "FableStories", "FableStub", "FableServer", "FableBench",
            "FableLoad",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // For tests: a raw line client (like `nc`) that plays over real sockets, a client that keeps
        // every byte, a zlib inflater, and scratch folders.
        .target(name: "FableTestSupport", dependencies: [
            "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        .testTarget(name: "FableCoreTests", dependencies: ["FableCore"]),
        .testTarget(name: "FableCommandsTests", dependencies: [
            "FableCore", "FableEngine", "FableCommands", "FableStore", "FableStub", "FableTestSupport",
        ]),
        .testTarget(name: "FableBenchTests", dependencies: ["FableCore", "FableEngine", "FableStore", "FableBench", "FableStub"]),
        .testTarget(name: "FableLoadTests", dependencies: [
            "FableCore", "FableEngine", "FableStore", "FableStub", "FableLoad", "FableServer", "FableLLM", "FableTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "FableEngineTests", dependencies: ["FableCore", "FableEngine", "FableStore", "FableStub", "FableTestSupport"]),
        .testTarget(name: "FableStoreTests", dependencies: [
            "CVectorKernels", "FableCore", "FableEngine", "FableStore", "FableStoreKit", "FableStorePostgres", "FableTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "FableLLMTests", dependencies: ["FableCore", "FableLLM", "FableStub"]),
        .testTarget(name: "FableStoriesTests", dependencies: ["FableCore", "FableStories", "FableTestSupport"]),
        .testTarget(name: "FableTelnetTests", dependencies: [
            "FableTelnet", "FableTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "FableWebTests", dependencies: [
            "FableWeb", "FableTelnet",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        .testTarget(name: "FableServerTests", dependencies: [
            "FableCore", "FableEngine", "FableStore", "FableStub", "FableServer", "FableLLM", "FableTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .testTarget(name: "FableEndToEndTests", dependencies: [
            "FableCore", "FableEngine", "FableLLM", "FableStore", "FableStorePostgres", "FableStub", "FableTestSupport", "FableBench", "fable",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// MARK: - Fuzzing (docs/reliability-fuzzing.md)
// libFuzzer harnesses. `scripts/fuzz` builds them with `-sanitize=fuzzer -DFUZZING`; a plain
// build makes corpus replayers (`FuzzTelnet Fuzz/corpus/telnet`), run by FuzzCorpusTests.
package.targets += [
    // Declares libFuzzer's LLVMFuzzerRunDriver (linked only into fuzz builds).
    .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
    .target(name: "FuzzKit", dependencies: ["CLibFuzzer"], path: "Fuzz/FuzzKit"),
    .executableTarget(name: "FuzzTelnet", dependencies: [
        "FuzzKit", "FableTelnet",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
    ], path: "Fuzz/FuzzTelnet"),
    .executableTarget(name: "FuzzPassage", dependencies: ["FuzzKit", "FableCore"], path: "Fuzz/FuzzPassage"),
    .executableTarget(name: "FuzzStory", dependencies: ["FuzzKit", "FableCore", "FableStories"], path: "Fuzz/FuzzStory"),
]
