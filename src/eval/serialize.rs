//! An [`Outcome`] as JSON, in the shape `eval --format json` writes without the case name:
//! `{"verdicts": {ACTION: {"verdict": V, "by": [RULE, ...]}, ...}, "derived": {FACT: BOOL}}`,
//! actions and derived facts in declaration order, so a library user can snapshot it.

use super::Outcome;
use crate::model::Value;
use serde::ser::{Serialize, SerializeMap, Serializer};

impl Serialize for Outcome<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("verdicts", &Verdicts(self))?;
        map.serialize_entry("derived", &Derived(self))?;
        map.end()
    }
}

struct Verdicts<'o, 'p>(&'o Outcome<'p>);

struct OneVerdict<'o, 'p>(&'o Outcome<'p>, usize);

struct Derived<'o, 'p>(&'o Outcome<'p>);

impl Serialize for Verdicts<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0.policy();
        let mut map = s.serialize_map(Some(p.actions().len()))?;
        for (a, action) in p.actions().iter().enumerate() {
            map.serialize_entry(&action.name, &OneVerdict(self.0, a))?;
        }
        map.end()
    }
}

impl Serialize for OneVerdict<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0.policy();
        let v = &self.0.verdicts[self.1];
        let by: Vec<&str> = v.by.iter().map(|&r| p.rule(r).id.as_str()).collect();
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("verdict", v.verdict.as_str())?;
        map.serialize_entry("by", &by)?;
        map.end()
    }
}

impl Serialize for Derived<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0.policy();
        let derived: Vec<usize> = p.derived_facts().collect();
        let mut map = s.serialize_map(Some(derived.len()))?;
        for f in derived {
            map.serialize_entry(&p.fact(f).name, &(self.0.values[f] == Value::Bool(true)))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Policy;
    use crate::report::eval_json;

    #[test]
    fn an_outcome_serializes_as_eval_writes_it_without_the_case_name() {
        let p = Policy::parse(
            "t.policy",
            "fact a\naction x, y default forbidden\nrule r: if a then may x\nrule d: if a then b\nfact b\n",
        )
        .unwrap();
        let case = p.case().set("a", true).build().unwrap();
        let outcome = p.evaluate(&case);
        let mut line: serde_json::Value = serde_json::from_str(&eval_json("#1", &outcome)).unwrap();
        line.as_object_mut().unwrap().remove("case");
        assert_eq!(serde_json::to_value(&outcome).unwrap(), line);
        assert_eq!(
            serde_json::to_string(&outcome).unwrap(),
            r#"{"verdicts":{"x":{"verdict":"permitted","by":["r"]},"y":{"verdict":"forbidden","by":[]}},"derived":{"b":true}}"#
        );
    }
}
