// Given events, when a command, then events or an error: specs for pure deciders.

export interface DeciderUnderTest<Command, Event, State, Outcome> {
  decide(command: Command, state: State): Outcome;
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export function deciderSpec<Command, Event, State, Outcome>(decider: DeciderUnderTest<Command, Event, State, Outcome>) {
  return {
    given: (...events: Event[]) => ({
      when: (command: Command) => {
        const outcome = decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
        return { then: (expected: Outcome) => expect(outcome).toEqual(expected) };
      },
    }),
  };
}
