/// One side of one telnet option, kept with RFC 1143's Q method: we only ever send a
/// request when the state changes, so two peers can never answer each other's answers forever.
/// "Enable" is WILL for options we perform and DO for options the client performs.
struct TelnetOptionState: Equatable {
    enum State: Equatable { case no, yes, wantNo, wantYes }
    enum Reply: Equatable { case enable, disable }

    private(set) var state = State.no
    /// RFC 1143's "opposite" queue bit: change back once the pending answer arrives.
    private(set) var queued = false

    var isEnabled: Bool { self.state == .yes }

    /// We want the option on; true when an enable request must be sent now.
    mutating func requestEnable() -> Bool {
        switch self.state {
        case .no:
            self.state = .wantYes
            return true
        case .yes:
            return false
        case .wantNo:
            self.queued = true
            return false
        case .wantYes:
            self.queued = false
            return false
        }
    }

    /// We want the option off; true when a disable request must be sent now.
    mutating func requestDisable() -> Bool {
        switch self.state {
        case .no:
            return false
        case .yes:
            self.state = .wantNo
            return true
        case .wantNo:
            self.queued = false
            return false
        case .wantYes:
            self.queued = true
            return false
        }
    }

    /// The peer sent WILL (or DO). `accept` decides an unsolicited request.
    mutating func receivedEnable(accept: Bool) -> Reply? {
        switch self.state {
        case .no:
            if accept {
                self.state = .yes
                return .enable
            }
            return .disable
        case .yes:
            return nil
        case .wantNo:
            // Answer to our disable was "enable": an error unless we queued a change back.
            self.state = self.queued ? .yes : .no
            self.queued = false
            return nil
        case .wantYes:
            if self.queued {
                self.state = .wantNo
                self.queued = false
                return .disable
            }
            self.state = .yes
            return nil
        }
    }

    /// The peer sent WONT (or DONT).
    mutating func receivedDisable() -> Reply? {
        switch self.state {
        case .no:
            return nil
        case .yes:
            self.state = .no
            return .disable
        case .wantNo:
            if self.queued {
                self.state = .wantYes
                self.queued = false
                return .enable
            }
            self.state = .no
            return nil
        case .wantYes:
            self.state = .no
            self.queued = false
            return nil
        }
    }
}
