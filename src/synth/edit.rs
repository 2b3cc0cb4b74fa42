//! Edits of a generated policy, for measuring `diff`: some of its rules changed, and one of
//! its modules as a policy of its own (what `lint` of an edited rule's cone costs at most).

/// The text of a [`policy`](super::policy) with `count` of its modules' rules that have an
/// `if` (those on actions and those deriving a module's fact; not the requirements) changed,
/// spread evenly over the policy: each rule's condition is narrowed by `not m<module>_f
/// and`. Also the names of the rules changed, in text order.
pub fn edit_rules(text: &str, count: usize) -> (String, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let candidates: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("rule m") && l.contains("_r") && l.contains(": if "))
        .map(|(i, _)| i)
        .collect();
    let count = count.min(candidates.len());
    let mut chosen = Vec::with_capacity(count);
    for k in 0..count {
        chosen.push(candidates[(2 * k + 1) * candidates.len() / (2 * count)]);
    }
    let mut names = Vec::with_capacity(count);
    let mut out = String::with_capacity(text.len() + count * 16);
    let mut next = chosen.iter().peekable();
    for (i, line) in lines.iter().enumerate() {
        if next.peek() == Some(&&i) {
            next.next();
            let rest = &line["rule ".len()..];
            let name = &rest[..rest.find([' ', ':']).unwrap_or(rest.len())];
            let module = &name[..name.find('_').unwrap_or(name.len())];
            out.push_str(&line.replacen(": if ", &format!(": if not {module}_f and "), 1));
            names.push(name.to_string());
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    (out, names)
}

/// The module `m` of a [`policy`](super::policy) with the facts and rules every module
/// shares: a policy of its own, of about 25 rules on five actions.
pub fn module_policy(text: &str, m: usize) -> String {
    let shared = text.find("\n# module ").unwrap_or(text.len());
    let start = format!("\n# module {m}\n");
    let Some(at) = text.find(&start) else {
        return text[..shared].to_string();
    };
    let body = &text[at..];
    let end = body[1..].find("\n# module ").map_or(body.len(), |e| e + 1);
    format!("{}{}", &text[..shared], &body[..end])
}

/// The module a generated rule's name belongs to (`m12_x3_r1` is in module 12).
pub fn module_of(rule: &str) -> Option<usize> {
    rule.strip_prefix('m')?.split('_').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{edit_rules, module_of, module_policy};
    use crate::model::Policy;

    #[test]
    fn edited_policies_and_modules_check_clean() {
        let text = super::super::policy(1000, 1);
        let (edited, names) = edit_rules(&text, 10);
        assert_eq!(names.len(), 10);
        let p = Policy::parse("edited.policy", edited.clone()).unwrap();
        assert_eq!(
            p.rules().len(),
            Policy::parse("a", text.clone()).unwrap().rules().len()
        );
        assert_eq!(edited.lines().count(), text.lines().count());
        let differing = edited
            .lines()
            .zip(text.lines())
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(differing, 10);
        let m = module_of(&names[0]).unwrap();
        let module = Policy::parse("module.policy", module_policy(&text, m)).unwrap();
        assert!(
            (20..=35).contains(&module.rules().len()),
            "{}",
            module.rules().len()
        );
        let (one, names) = edit_rules(&text, 1);
        assert_eq!(names.len(), 1);
        assert_ne!(one, text);
    }
}
