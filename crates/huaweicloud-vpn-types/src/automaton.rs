//! A spec's `pattern` as the table of a deterministic automaton over the value's UTF-8 bytes,
//! built by `cargo xtask generate` (regex-automata, from the pattern as `xtask/src/patterns.rs`
//! carries it over) and walked here.
//!
//! Why tables and not a regex engine: the patterns are known when the code is generated, so a
//! program needs only the walk below (no engine to compile, nothing to build at run time). The
//! engine a program would otherwise compile was the last crate the types waited for in a cold
//! build (BENCHMARKS.md, "Sixth pass"). xtask includes this file to test the tables it emits
//! against an ECMAScript engine, so the walk the generator checks is the one programs run.
//! It depends on nothing but `core`.

/// The state from which no value matches.
pub const DEAD: u8 = 0;
/// The state in which the value has matched, whatever follows.
pub const MATCH: u8 = 1;

/// One pattern's automaton.
///
/// `next[state * classes + class]` is the state after a byte of that class; the last class is
/// the end of the value. States [`DEAD`] and [`MATCH`] end the walk.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Dfa<'a> {
    /// Each byte's class (bytes the pattern does not tell apart share one).
    pub class_of: &'a [u8; 256],
    /// The number of classes, the end of the value included.
    pub classes: u8,
    /// The transitions, `classes` per state.
    pub next: &'a [u8],
    /// The state before the first byte.
    pub start: u8,
}

impl Dfa<'_> {
    /// Whether the pattern matches `value` (anywhere, as a search does; the specs' patterns
    /// are anchored with `^` and `$`, which the table carries).
    ///
    /// A table that does not hold together (which the generator does not emit) answers
    /// `false` rather than panicking.
    pub fn is_match(&self, value: &str) -> bool {
        let classes = usize::from(self.classes);
        let step = |state: u8, class: usize| -> u8 {
            self.next
                .get(usize::from(state) * classes + class)
                .copied()
                .unwrap_or(DEAD)
        };
        let mut state = self.start;
        for byte in value.bytes() {
            if state == DEAD || state == MATCH {
                return state == MATCH;
            }
            state = step(state, usize::from(self.class_of[usize::from(byte)]));
        }
        if state != DEAD && state != MATCH {
            state = step(state, classes.saturating_sub(1));
        }
        state == MATCH
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `^a+$` by hand: classes 0 (other bytes), 1 (`a`), 2 (end); states 0 dead, 1 match,
    /// 2 start, 3 after one or more `a`.
    fn a_plus() -> Dfa<'static> {
        static CLASS_OF: [u8; 256] = {
            let mut classes = [0u8; 256];
            classes[b'a' as usize] = 1;
            classes
        };
        static NEXT: [u8; 12] = [
            0, 0, 0, // dead
            1, 1, 1, // match
            0, 3, 0, // start: only `a` goes on; the end of an empty value does not match
            0, 3, 1, // after `a`s: more `a`s, or the end matches
        ];
        Dfa {
            class_of: &CLASS_OF,
            classes: 3,
            next: &NEXT,
            start: 2,
        }
    }

    #[test]
    fn the_walk_follows_the_table_to_the_end_of_the_value() {
        let dfa = a_plus();
        for (value, expected) in [("a", true), ("aaa", true), ("", false), ("ab", false)] {
            assert_eq!(dfa.is_match(value), expected, "{value:?}");
        }
    }

    #[test]
    fn a_table_that_does_not_hold_together_answers_false() {
        let short = Dfa {
            next: &[0, 0, 0],
            ..a_plus()
        };
        assert!(!short.is_match("a"));
        let far_start = Dfa {
            start: 200,
            ..a_plus()
        };
        assert!(!far_start.is_match("a"));
    }
}
