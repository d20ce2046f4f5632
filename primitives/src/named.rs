//! [`Named`]: a small map from names to values, as a sorted list.

/// Values by name, sorted by name, each name once: the fields of an endpoint record, the
/// parameters of a resolution, the properties of a profile. Each holds a handful of entries,
/// for which a sorted list does what a map does with far less code for every value type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named<V>(Vec<(String, V)>);

impl<V> Default for Named<V> {
    fn default() -> Self {
        Named(Vec::new())
    }
}

impl<V> Named<V> {
    /// The position of `name`, or where it would go.
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&V> {
        let at = self.find(name).ok()?;
        self.0.get(at).map(|(_, v)| v)
    }

    /// Sets `name` to `value`, replacing an earlier value.
    pub fn insert(&mut self, name: String, value: V) {
        match self.find(&name) {
            Ok(at) => {
                if let Some(slot) = self.0.get_mut(at) {
                    slot.1 = value;
                }
            }
            Err(at) => self.0.insert(at, (name, value)),
        }
    }

    /// The value of `name`, to change.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut V> {
        let at = self.find(name).ok()?;
        self.0.get_mut(at).map(|(_, v)| v)
    }

    /// The value of `name`, inserted as `V::default()` first when absent.
    pub fn get_or_default(&mut self, name: String) -> &mut V
    where
        V: Default,
    {
        let at = match self.find(&name) {
            Ok(at) => at,
            Err(at) => {
                self.0.insert(at, (name, V::default()));
                at
            }
        };
        // Safe: `at` is the position just found or just filled.
        #[allow(clippy::indexing_slicing)]
        &mut self.0[at].1
    }

    /// Removes `name`, giving back its value.
    pub fn remove(&mut self, name: &str) -> Option<V> {
        let at = self.find(name).ok()?;
        Some(self.0.remove(at).1)
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no names.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every name and value, in order of name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<V> FromIterator<(String, V)> for Named<V> {
    /// Later values of a name replace earlier ones.
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut named = Named::default();
        named.extend(iter);
        named
    }
}

impl<V> Extend<(String, V)> for Named<V> {
    /// Later values of a name replace earlier ones.
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, iter: I) {
        for (name, value) in iter {
            self.insert(name, value);
        }
    }
}

impl<V> IntoIterator for Named<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_sorted_and_unique_and_later_values_win() {
        let mut named: Named<u8> = [("b", 1), ("a", 2), ("b", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(named.iter().collect::<Vec<_>>(), [("a", &2), ("b", &3)]);
        named.insert("c".to_owned(), 4);
        named.insert("a".to_owned(), 5);
        assert_eq!(named.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!((named.get("a"), named.get("z")), (Some(&5), None));
        assert_eq!(named.remove("b"), Some(3));
        assert_eq!(named.remove("b"), None);
        *named.get_or_default("d".to_owned()) += 1;
        *named.get_or_default("d".to_owned()) += 1;
        if let Some(c) = named.get_mut("c") {
            *c = 9;
        }
        assert_eq!(
            named.into_iter().collect::<Vec<_>>(),
            [
                ("a".to_owned(), 5),
                ("c".to_owned(), 9),
                ("d".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn equal_contents_are_equal_whatever_the_order_of_insertion() {
        let one: Named<u8> = [("x".to_owned(), 1), ("y".to_owned(), 2)]
            .into_iter()
            .collect();
        let two: Named<u8> = [("y".to_owned(), 2), ("x".to_owned(), 1)]
            .into_iter()
            .collect();
        assert_eq!(one, two);
        assert_eq!((one.len(), Named::<u8>::default().is_empty()), (2, true));
    }
}
