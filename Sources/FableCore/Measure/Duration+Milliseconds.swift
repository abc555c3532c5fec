extension Duration {
    /// The duration in milliseconds, the unit every latency figure is kept and printed in.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
