//! Turns the model's HTML documentation into the Markdown that rustdoc reads, Markdown into
//! `#[doc]` attributes, and the model's deprecations into `#[deprecated]` attributes.
//!
//! The HTML is parsed and walked by `htmd` (html5ever underneath). A few of its element
//! handlers are replaced so that the result suits rustdoc: code samples become
//! ```` ```text ```` blocks that never run as doctests, `<note>` and `<important>` become
//! labelled paragraphs, and `<a>` without a target becomes code. One pass over the finished
//! Markdown then wraps bare URLs in `<...>`, escapes entity-like text and drops trailing
//! spaces. This module must stay pure and total: it reads no files, knows no service, and
//! never fails on any input.
//!
//! Escaping follows one rule: text from the model is always text. `htmd` escapes `\`, `*`,
//! `_`, backticks, `[`, `]`, tag-like `<` and line starts that look like headings, lists or
//! quotes; the handlers here escape the line starts `htmd` cannot see (text after collapsed
//! whitespace, text after a line break). Links whose target is not an absolute URL keep only
//! their text, because rustdoc would read a bare relative target as an intra-doc path.

use std::rc::Rc;
use std::sync::LazyLock;

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::options::{BrStyle, BulletListMarker, CodeBlockFence, CodeBlockStyle, Options};
use htmd::{Element, HtmlToMarkdown};
use markup5ever_rcdom::{Node, NodeData};
use model::ir;
use proc_macro2::TokenStream;
use quote::quote;

/// Elements that form their own block; used to decide whether a note's label can share
/// the first paragraph and whether a container starts with text.
const BLOCK_TAGS: &[&str] = &[
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "examples",
    "fullname",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "important",
    "li",
    "note",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// The converter is built once: its handler table never changes.
static CONVERTER: LazyLock<HtmlToMarkdown> = LazyLock::new(build_converter);

fn build_converter() -> HtmlToMarkdown {
    let options = Options {
        bullet_list_marker: BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        // A backslash break, because trailing spaces are stripped from every line.
        br_style: BrStyle::Backslash,
        code_block_style: CodeBlockStyle::Fenced,
        code_block_fence: CodeBlockFence::Backticks,
        ..Options::default()
    };
    HtmlToMarkdown::builder()
        .options(options)
        .skip_tags(vec!["script", "style", "head"])
        .add_handler(vec!["p", "div", "section", "dd"], paragraph)
        .add_handler(
            vec!["h1", "h2", "h3", "h4", "h5", "h6", "dt", "fullname"],
            bold_paragraph,
        )
        .add_handler(vec!["li"], list_item)
        .add_handler(vec!["code"], inline_code)
        .add_handler(vec!["pre", "examples"], code_block)
        .add_handler(vec!["a"], anchor)
        .add_handler(vec!["note"], |h: &dyn Handlers, e: Element| {
            labelled(h, e, "**Note:**")
        })
        .add_handler(vec!["important"], |h: &dyn Handlers, e: Element| {
            labelled(h, e, "**Important:**")
        })
        .build()
}

/// Converts the model's HTML documentation to rustdoc Markdown.
///
/// The result has no raw HTML, no trailing spaces, at most one blank line in a row, and no
/// leading or trailing blank lines. Empty or whitespace-only input gives an empty string.
pub fn to_markdown(html: &str) -> String {
    // Converting a `&str` cannot fail: the `io::Result` only exists for `htmd`'s readers.
    // An empty string is the safe answer if it ever did, since callers then fall back to
    // a generated summary sentence.
    let raw = CONVERTER
        .convert(&escape_unknown_tags(html))
        .unwrap_or_default();
    tidy(&raw)
}

/// Inline tags the model's documentation uses as markup. With [`BLOCK_TAGS`] they are the
/// known tags; anything else that looks like a tag (`<region>`, `<identity-pool-id>`) is a
/// placeholder written into the text.
const INLINE_TAGS: &[&str] = &[
    "a", "b", "br", "code", "em", "example", "i", "span", "strong", "sub", "sup", "tbody", "td",
    "th", "thead", "tr", "u",
];

/// Escapes `<` where it does not open or close a known (or explicitly closed) tag, so a
/// placeholder such as `<region>` survives as text instead of being parsed away as an
/// unknown element.
fn escape_unknown_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let ends_name = after
            .trim_start_matches('/')
            .get(name.len()..)
            .and_then(|t| t.chars().next())
            .is_some_and(|c| matches!(c, '>' | ' ' | '/' | '\t' | '\n' | '\r'));
        // An unknown name that is closed somewhere (`<foo>..</foo>`) is still markup.
        let closed = !name.is_empty() && html.contains(&format!("</{name}>"));
        let known = BLOCK_TAGS.contains(&name.as_str()) || INLINE_TAGS.contains(&name.as_str());
        if (known || closed) && ends_name {
            out.push('<');
        } else {
            out.push_str("&lt;");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Renders Markdown as one `#[doc = " line"]` attribute per line, which prettyplease
/// prints as `///` lines. Non-empty lines get the conventional leading space.
pub fn attrs(markdown: &str) -> TokenStream {
    let lines = doc_lines(markdown);
    quote! { #( #[doc = #lines] )* }
}

/// Renders Markdown as one inner `#![doc = " line"]` attribute per line, for the docs of a
/// module or crate written inside it; prettyplease prints them as `//!` lines.
pub fn inner_attrs(markdown: &str) -> TokenStream {
    let lines = doc_lines(markdown);
    quote! { #( #![doc = #lines] )* }
}

/// The doc lines of `markdown`, each non-empty one with the conventional leading space.
fn doc_lines(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

/// Wraps text in a code span whose backtick fence is longer than any backtick run inside,
/// padding with spaces when the text starts or ends with a backtick.
fn code_span(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_run(text, '`') + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

fn longest_run(text: &str, wanted: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for c in text.chars() {
        if c == wanted {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

// ---------------------------------------------------------------------------------------
// DOM helpers.

fn tag_name(node: &Node) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

fn parent(node: &Node) -> Option<Rc<Node>> {
    // The parent link is a `Cell`, so it is taken out, read and put back.
    let weak = node.parent.take();
    let parent = weak.as_ref().and_then(|w| w.upgrade());
    node.parent.set(weak);
    parent
}

fn attr<'a>(element: &'a Element, name: &str) -> Option<&'a str> {
    element
        .attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

/// Appends the text of every descendant, turning `<br>` into a newline and putting block
/// elements on lines of their own.
fn push_text(node: &Node, out: &mut String) {
    for child in node.children.borrow().iter() {
        match &child.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            NodeData::Element { name, .. } if &*name.local == "br" => out.push('\n'),
            NodeData::Element { .. } if is_block(child) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                push_text(child, out);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            NodeData::Element { .. } => push_text(child, out),
            _ => {}
        }
    }
}

fn text_of(node: &Node) -> String {
    let mut out = String::new();
    push_text(node, &mut out);
    out
}

/// Collapses every run of whitespace to one space and trims the ends.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first child that carries content (not whitespace text, not a comment).
fn first_content_child(node: &Node) -> Option<Rc<Node>> {
    node.children
        .borrow()
        .iter()
        .find(|child| match &child.data {
            NodeData::Text { contents } => !contents.borrow().trim().is_empty(),
            NodeData::Element { .. } => true,
            _ => false,
        })
        .cloned()
}

fn starts_with_text(node: &Node) -> bool {
    first_content_child(node).is_some_and(|child| matches!(child.data, NodeData::Text { .. }))
}

fn is_block(node: &Node) -> bool {
    tag_name(node).is_some_and(|tag| BLOCK_TAGS.contains(&tag))
}

fn trim_block(content: &str) -> &str {
    content.trim_matches(|c| c == '\n' || c == ' ')
}

// ---------------------------------------------------------------------------------------
// Element handlers.

/// `<p>` and other plain containers: a paragraph of their inline content.
fn paragraph(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    let content = trim_block(&content);
    if content.is_empty() {
        return Some(String::new().into());
    }
    let content = if starts_with_text(element.node) {
        escape_line_start(content)
    } else {
        content.to_owned()
    };
    Some(format!("\n\n{content}\n\n").into())
}

/// Headings, `<dt>` and `<fullname>`: a bold paragraph, because a Markdown heading inside
/// the docs of a field or method reads as a section of the page.
fn bold_paragraph(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    let content = trim_block(&content);
    if content.is_empty() {
        return Some(String::new().into());
    }
    let content = if content.contains('\n') || content.contains("**") {
        // Block content or bold text inside cannot be wrapped in one pair of `**`.
        if starts_with_text(element.node) {
            escape_line_start(content)
        } else {
            content.to_owned()
        }
    } else {
        format!("**{content}**")
    };
    Some(format!("\n\n{content}\n\n").into())
}

/// `<li>`: a `-` item, or for `<ol>` the bare content that the list handler numbers.
fn list_item(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    let content = trim_block(&content);
    let content = if starts_with_text(element.node) {
        escape_line_start(content)
    } else {
        content.to_owned()
    };
    let content = tighten_nested_lists(&content);
    let in_ordered = parent(element.node).is_some_and(|p| tag_name(&p) == Some("ol"));
    if in_ordered {
        return Some(format!("\n{content}\n").into());
    }
    Some(format!("\n- {}", indent_after_first(&content, 2)).into())
}

/// Drops the blank line between an item's paragraph and its nested list, so that a list
/// whose items hold `<p>` elements stays tight. Blank lines inside code blocks stay.
fn tighten_nested_lists(content: &str) -> String {
    let lines: Vec<&str> = content.lines().collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    for (index, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        let between_text_and_list = line.is_empty()
            && !in_fence
            && index > 0
            && lines.get(index - 1).is_some_and(|prev| !prev.is_empty())
            && lines
                .get(index + 1)
                .is_some_and(|next| starts_list_item(next));
        if !between_text_and_list {
            out.push(line);
        }
    }
    out.join("\n")
}

/// True when `line` opens a list item as this module writes them (`- ` or `1. `).
fn starts_list_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    line.starts_with("- ") || (digits > 0 && line[digits..].starts_with(". "))
}

fn indent_after_first(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line.trim_end());
    }
    out
}

/// Inline `<code>`: a code span of the element's text with whitespace collapsed.
fn inline_code(_handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let text = collapse_whitespace(&text_of(element.node));
    Some(code_span(&text).into())
}

/// `<pre>` and `<examples>`: a fenced `text` block, so rustdoc never runs it as a doctest.
fn code_block(_handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let text = text_of(element.node);
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|line| !line.is_empty());
    let last = lines.iter().rposition(|line| !line.is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return Some(String::new().into());
    };
    let body = lines.get(first..=last).unwrap_or_default().join("\n");
    let fence = "`".repeat(3.max(longest_run(&body, '`') + 1));
    Some(format!("\n\n{fence}text\n{body}\n{fence}\n\n").into())
}

/// `<a>`: `[text](url)` for absolute URLs, `<url>` when the text is the URL itself, a code
/// span when there is no target (the model uses those for names of API items), and the
/// plain text for relative targets, which have no base to resolve against.
fn anchor(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let plain = collapse_whitespace(&text_of(element.node));
    let href = attr(&element, "href").map(str::trim).unwrap_or_default();
    if href.is_empty() {
        return Some(code_span(&plain).into());
    }
    let content = handlers.walk_children(element.node).content;
    if !is_absolute_url(href) {
        return Some(content.into());
    }
    if plain.is_empty() || plain == href {
        return Some(format!("<{}>", encode_url(href, false)).into());
    }
    let url = encode_url(href, true);
    // Link text is inline: a line break inside it would end the link.
    let text = collapse_whitespace(&content.replace("\\\n", " "));
    let before = if content.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let after = if content.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    Some(format!("{before}[{text}]({url}){after}").into())
}

fn is_absolute_url(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

/// Percent-encodes the characters that would end or confuse a Markdown link target: for an
/// autolink (`<url>`) spaces and angle brackets, for an inline link (`[text](url)`) also
/// parentheses, backslashes, backticks and quotes.
fn encode_url(url: &str, inline_link: bool) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '<' | '>' => out.push_str(&format!("%{:02X}", u32::from(c))),
            '(' | ')' | '\\' | '`' | '"' if inline_link => {
                out.push_str(&format!("%{:02X}", u32::from(c)));
            }
            c if c.is_control() => {
                let mut bytes = [0; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `<note>` and `<important>`: a paragraph starting with the bold label. When the content
/// opens with a list or a code block, the label stands alone so the block keeps its shape.
fn labelled(handlers: &dyn Handlers, element: Element, label: &str) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    let content = trim_block(&content);
    if content.is_empty() {
        return Some(format!("\n\n{label}\n\n").into());
    }
    let opens_with_other_block = first_content_child(element.node)
        .is_some_and(|child| is_block(&child) && tag_name(&child) != Some("p"));
    if opens_with_other_block {
        Some(format!("\n\n{label}\n\n{content}\n\n").into())
    } else {
        Some(format!("\n\n{label} {content}\n\n").into())
    }
}

// ---------------------------------------------------------------------------------------
// Escaping of line starts.

/// Escapes a line start that Markdown would read as a heading, list item, quote, fence,
/// thematic break or setext underline. The text must not start with whitespace.
fn escape_line_start(line: &str) -> String {
    let first_line = line.lines().next().unwrap_or_default();
    let mut chars = first_line.chars();
    let Some(first) = chars.next() else {
        return line.to_owned();
    };
    let rest = chars.as_str();
    let marker_end = |s: &str| s.is_empty() || s.starts_with([' ', '\t']);
    let escape_first = match first {
        '#' => marker_end(rest.trim_start_matches('#')),
        '-' | '+' | '*' => marker_end(rest) || first_line.chars().all(|c| c == first || c == ' '),
        '=' => first_line.chars().all(|c| c == '=' || c == ' '),
        '>' => true,
        '~' => rest.starts_with("~~"),
        '`' => rest.starts_with("``"),
        '|' => true,
        _ => false,
    };
    if escape_first {
        return format!("\\{line}");
    }
    // An ordered list marker is up to nine digits and `.` or `)` before a space or the end.
    let digits = first_line.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let after = &first_line[digits..];
        if let Some(delimiter) = after.chars().next().filter(|c| matches!(c, '.' | ')')) {
            if marker_end(&after[1..]) {
                return format!("{}\\{delimiter}{}", &line[..digits], &line[digits + 1..]);
            }
        }
    }
    line.to_owned()
}

// ---------------------------------------------------------------------------------------
// The final pass over the Markdown.

/// One line of the output and whether it belongs to a fenced code block.
struct Line {
    text: String,
    code: bool,
}

/// Cleans the converter's Markdown: trailing spaces, bare URLs, entity-like text, line
/// starts after hard breaks, hard breaks that end a paragraph, and runs of blank lines.
fn tidy(markdown: &str) -> String {
    let mut lines: Vec<Line> = Vec::new();
    let mut fence: Option<usize> = None;
    let mut after_break = false;
    for raw in markdown.lines() {
        let text = raw.trim_end();
        let stripped = text.trim_start();
        if let Some(open) = fence {
            let ticks = stripped.chars().take_while(|&c| c == '`').count();
            let closes = ticks >= open && stripped.len() == ticks;
            lines.push(Line {
                text: text.to_owned(),
                code: true,
            });
            if closes {
                fence = None;
            }
            continue;
        }
        let ticks = stripped.chars().take_while(|&c| c == '`').count();
        if ticks >= 3 && !stripped[ticks..].contains('`') {
            fence = Some(ticks);
            after_break = false;
            lines.push(Line {
                text: text.to_owned(),
                code: true,
            });
            continue;
        }
        let mut text = inline_pass(text);
        if after_break {
            let indent = text.len() - text.trim_start().len();
            let escaped = escape_line_start(&text[indent..]);
            text = format!("{}{escaped}", &text[..indent]);
        }
        after_break = ends_with_hard_break(&text);
        lines.push(Line { text, code: false });
    }

    // A hard break before a blank line, a code block or the end shows as a stray `\`.
    for index in 0..lines.len() {
        let next_is_text = lines
            .get(index + 1)
            .is_some_and(|next| !next.code && !next.text.is_empty());
        if let Some(line) = lines.get_mut(index) {
            if !line.code && !next_is_text && ends_with_hard_break(&line.text) {
                line.text.pop();
                let trimmed = line.text.trim_end().len();
                line.text.truncate(trimmed);
            }
        }
    }

    let mut out = String::with_capacity(markdown.len());
    let mut pending_blank = false;
    for line in &lines {
        if line.text.is_empty() && !line.code {
            pending_blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if pending_blank {
                out.push('\n');
            }
        }
        pending_blank = false;
        out.push_str(&line.text);
    }
    out
}

fn ends_with_hard_break(text: &str) -> bool {
    let backslashes = text.len() - text.trim_end_matches('\\').len();
    backslashes % 2 == 1
}

/// Rewrites the text parts of one line: bare URLs become autolinks and `&name;` is escaped
/// so Markdown does not decode it again. Code spans, autolinks, link targets and link text
/// are copied unchanged.
fn inline_pass(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    let mut link_depth = 0usize;
    while let Some(c) = rest.chars().next() {
        if c == '\\' {
            let len = rest.chars().nth(1).map_or(1, |next| 1 + next.len_utf8());
            out.push_str(&rest[..len]);
            rest = &rest[len..];
        } else if c == '`' {
            let len = code_span_len(rest);
            out.push_str(&rest[..len]);
            rest = &rest[len..];
        } else if c == '<' && autolink_len(rest) > 0 {
            let len = autolink_len(rest);
            out.push_str(&rest[..len]);
            rest = &rest[len..];
        } else if c == '[' {
            link_depth += 1;
            out.push('[');
            rest = &rest[1..];
        } else if c == ']' && rest.starts_with("](") {
            // Link targets are percent-encoded and so hold no `)`.
            let len = rest.find(')').map_or(rest.len(), |end| end + 1);
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            link_depth = link_depth.saturating_sub(1);
        } else if c == '&' && entity_len(rest) > 0 {
            out.push_str("\\&");
            rest = &rest[1..];
        } else if link_depth == 0 && starts_url(rest) && !out.ends_with(is_word_char) {
            let (url, len) = take_url(rest);
            if url.len() > rest.find("://").map_or(0, |i| i + 3) {
                out.push('<');
                out.push_str(&url);
                out.push('>');
                rest = &rest[len..];
            } else {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The length of the code span at the start of `text`, or of the bare backtick run when
/// no closing run of the same length follows.
fn code_span_len(text: &str) -> usize {
    let open = text.chars().take_while(|&c| c == '`').count();
    let mut index = open;
    while index < text.len() {
        let Some(offset) = text[index..].find('`') else {
            break;
        };
        let start = index + offset;
        let run = text[start..].chars().take_while(|&c| c == '`').count();
        if run == open {
            return start + run;
        }
        index = start + run;
    }
    open
}

/// The length of an autolink (`<https://...>`) at the start of `text`, or zero.
fn autolink_len(text: &str) -> usize {
    let Some(inner) = text.strip_prefix('<') else {
        return 0;
    };
    if !(starts_url(inner) || inner.starts_with("mailto:")) {
        return 0;
    }
    match inner.find(|c: char| c == '>' || c == '<' || c.is_whitespace()) {
        Some(end) if inner[end..].starts_with('>') => end + 2,
        _ => 0,
    }
}

/// The length of an HTML entity reference (`&amp;`, `&#60;`) at the start of `text`.
fn entity_len(text: &str) -> usize {
    let Some(body) = text.strip_prefix('&') else {
        return 0;
    };
    let body = body.strip_prefix('#').unwrap_or(body);
    let name = body.chars().take_while(char::is_ascii_alphanumeric).count();
    if name > 0 && body[name..].starts_with(';') {
        text.len() - body.len() + name + 1
    } else {
        0
    }
}

fn starts_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// Reads a URL from escaped Markdown text: returns the URL with escapes removed and the
/// number of bytes of `text` it spans. Trailing punctuation and unbalanced `)` are left
/// to the sentence.
fn take_url(text: &str) -> (String, usize) {
    let mut chars: Vec<(char, usize)> = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((index, c)) = iter.next() {
        if c == '\\' {
            match iter.peek() {
                Some(&(next_index, next))
                    if next.is_ascii_punctuation() && next != '<' && next != '>' =>
                {
                    iter.next();
                    chars.push((next, next_index + next.len_utf8()));
                    continue;
                }
                _ => break,
            }
        }
        if c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '*' | '[' | ']') {
            break;
        }
        chars.push((c, index + c.len_utf8()));
    }
    while let Some(&(last, _)) = chars.last() {
        let unbalanced_paren = last == ')'
            && chars.iter().filter(|(c, _)| *c == ')').count()
                > chars.iter().filter(|(c, _)| *c == '(').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'') || unbalanced_paren {
            chars.pop();
        } else {
            break;
        }
    }
    let len = chars.last().map_or(0, |&(_, end)| end);
    (chars.into_iter().map(|(c, _)| c).collect(), len)
}

/// `#[deprecated]` with the model's message.
pub fn deprecated_attr(d: &ir::Deprecated) -> TokenStream {
    let note = match (&d.message, &d.since) {
        (Some(m), Some(s)) => format!("{m} (since {s})"),
        (Some(m), None) => m.clone(),
        (None, Some(s)) => format!("deprecated since {s}"),
        (None, None) => "deprecated by the service".to_owned(),
    };
    quote! { #[deprecated(note = #note)] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_that_look_like_tags_stay_as_text() {
        let md = to_markdown("<p>Use <code>cognito-identity.<region>.amazonaws.com</code> or <region-name>, and <b>this</b>.</p>");
        assert!(md.contains("region"), "{md}");
        assert!(md.contains("region-name"), "{md}");
        assert!(md.contains("**this**"), "{md}");
        assert!(
            !md.contains("<region") || md.contains("\\<region") || md.contains("`"),
            "{md}"
        );
    }

    /// (HTML, expected Markdown) pairs, one behaviour each.
    const CASES: &[(&str, &str)] = &[
        // Paragraphs, whitespace and entities.
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
        ("<p>  spaced \n\n  out\ttext </p>", "spaced out text"),
        (
            "<p>A &amp; B &quot;q&quot; &#39;s&#39;</p>",
            "A & B \"q\" 's'",
        ),
        ("", ""),
        ("   ", ""),
        ("plain text", "plain text"),
        // Code.
        ("<p>Use <code>GetId</code> first.</p>", "Use `GetId` first."),
        ("<p><code>a`b</code></p>", "``a`b``"),
        ("<p><code>`x`</code></p>", "`` `x` ``"),
        ("<p><code>a\n   b</code></p>", "`a b`"),
        (
            "<p><code>cognito-idp.&lt;region&gt;.amazonaws.com</code></p>",
            "`cognito-idp.<region>.amazonaws.com`",
        ),
        (
            "<pre>let x = 1;\n  y</pre>",
            "```text\nlet x = 1;\n  y\n```",
        ),
        ("<pre><code>a ``` b</code></pre>", "````text\na ``` b\n````"),
        (
            "<examples><p>Example:</p><pre>aws get-id</pre></examples>",
            "```text\nExample:\naws get-id\n```",
        ),
        // Links.
        (
            "<a href=\"https://example.com/a\">the guide</a>",
            "[the guide](https://example.com/a)",
        ),
        (
            "<a href=\"https://example.com/a\"><code>GetId</code></a>",
            "[`GetId`](https://example.com/a)",
        ),
        (
            "<a href=\"https://example.com/a\">https://example.com/a</a>",
            "<https://example.com/a>",
        ),
        ("<p>A <a>RoleMapping</a> map.</p>", "A `RoleMapping` map."),
        ("<a href=\"API_GetId.html\">GetId</a>", "GetId"),
        (
            "<a href=\"https://e.com/(x)\">https://e.com/(x)</a>",
            "<https://e.com/(x)>",
        ),
        (
            "<a href=\"https://example.com/a b(c)\">x</a>",
            "[x](https://example.com/a%20b%28c%29)",
        ),
        (
            "<p>see<a href=\"https://e.com/\"> it </a>now</p>",
            "see [it](https://e.com/) now",
        ),
        // Lists.
        ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
        ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"),
        (
            "<ul><li><p>a</p></li><li><p>b</p><ul><li>c</li></ul></li></ul>",
            "- a\n- b\n  - c",
        ),
        (
            "<ol><li>a<ul><li>b</li><li>c</li></ul></li></ol>",
            "1. a\n   - b\n   - c",
        ),
        (
            "<p>Intro:</p><ul><li>x</li></ul><p>After.</p>",
            "Intro:\n\n- x\n\nAfter.",
        ),
        // Emphasis.
        (
            "<p><b>bold</b> and <strong>strong</strong></p>",
            "**bold** and **strong**",
        ),
        ("<p><i>it</i> and <em>em</em></p>", "*it* and *em*"),
        // Notes.
        ("<note><p>Careful.</p></note>", "**Note:** Careful."),
        (
            "<important><p>Read.</p></important>",
            "**Important:** Read.",
        ),
        ("<note>Bare text.</note>", "**Note:** Bare text."),
        ("<note><ul><li>a</li></ul></note>", "**Note:**\n\n- a"),
        (
            "<p>Before.</p><note><p>One.</p><p>Two.</p></note>",
            "Before.\n\n**Note:** One.\n\nTwo.",
        ),
        // Line breaks.
        ("<p>a<br>b</p>", "a\\\nb"),
        ("<p>a<br></p><p>b</p>", "a\n\nb"),
        ("<p>a<br># b</p>", "a\\\n\\# b"),
        // Unknown and structural tags keep their text.
        (
            "<fullname>Amazon Cognito</fullname> <p>Text.</p>",
            "**Amazon Cognito**\n\nText.",
        ),
        ("<div>in a div</div>", "in a div"),
        ("<h2>Title</h2><p>x</p>", "**Title**\n\nx"),
        (
            "<dl><dt>Term</dt><dd>Meaning.</dd></dl>",
            "**Term**\n\nMeaning.",
        ),
        ("<p>a <span>b</span> <foo>c</foo></p>", "a b c"),
        // Escapes: brackets, tags in text, line starts, emphasis characters.
        ("<p>Use [brackets] here.</p>", "Use \\[brackets\\] here."),
        ("<p>in &lt;region&gt; here</p>", "in \\<region> here"),
        ("<p>a &lt;/b&gt; c</p>", "a \\</b> c"),
        ("<p># not a heading</p>", "\\# not a heading"),
        ("<p> - not a list</p>", "\\- not a list"),
        ("<p> 1. not a list</p>", "1\\. not a list"),
        ("<p>&gt; not a quote</p>", "\\> not a quote"),
        ("<p>a_b_c *x* \\d</p>", "a\\_b\\_c \\*x\\* \\\\d"),
        ("<p>AT&amp;amp;T</p>", "AT\\&amp;T"),
        // Bare URLs.
        (
            "<p>See https://example.com/a_b.</p>",
            "See <https://example.com/a_b>.",
        ),
        (
            "<p>(see http://example.com/x)</p>",
            "(see <http://example.com/x>)",
        ),
        (
            "<p>Not a url: https:// alone</p>",
            "Not a url: https:// alone",
        ),
        ("<p><code>https://in.code/</code></p>", "`https://in.code/`"),
    ];

    #[test]
    fn html_maps_to_expected_markdown() {
        let mut failures = Vec::new();
        for (html, expected) in CASES {
            let actual = to_markdown(html);
            if actual != *expected {
                failures.push(format!(
                    "html: {html:?}\n  expected: {expected:?}\n  actual:   {actual:?}"
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Samples taken verbatim from the Cognito Identity model.
    #[test]
    fn model_samples_convert_cleanly() {
        let cases: &[(&str, &str)] = &[
            (
                "<p>Updates the configuration of an identity pool.</p> <important> <p>If you don't provide a value for a parameter, Amazon Cognito sets it to its default value. </p> </important> <p>You must use Amazon Web Services developer credentials to call this operation.</p>",
                "Updates the configuration of an identity pool.\n\n**Important:** If you don't provide a value for a parameter, Amazon Cognito sets it to its default value.\n\nYou must use Amazon Web Services developer credentials to call this operation.",
            ),
            (
                "<p>A set of optional name-value pairs that map provider names to provider tokens. The available provider names for <code>Logins</code> are as follows:</p> <ul> <li> <p>Facebook: <code>graph.facebook.com</code> </p> </li> <li> <p>Amazon Cognito user pool: <code>cognito-idp.&lt;region&gt;.amazonaws.com/&lt;YOUR_USER_POOL_ID&gt;</code>, for example, <code>cognito-idp.us-east-1.amazonaws.com/us-east-1_123456789</code>. </p> </li> </ul>",
                "A set of optional name-value pairs that map provider names to provider tokens. The available provider names for `Logins` are as follows:\n\n- Facebook: `graph.facebook.com`\n- Amazon Cognito user pool: `cognito-idp.<region>.amazonaws.com/<YOUR_USER_POOL_ID>`, for example, `cognito-idp.us-east-1.amazonaws.com/us-east-1_123456789`.",
            ),
            (
                "<p>Enables or disables the Basic (Classic) authentication flow. For more information, see <a href=\"https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html\">Identity Pools (Federated Identities) Authentication Flow</a> in the <i>Amazon Cognito Developer Guide</i>.</p>",
                "Enables or disables the Basic (Classic) authentication flow. For more information, see [Identity Pools (Federated Identities) Authentication Flow](https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html) in the *Amazon Cognito Developer Guide*.",
            ),
            (
                "<p>For the <code>DeveloperProviderName</code>, you can use letters as well as period (.), underscore (_), and dash (-).</p>",
                "For the `DeveloperProviderName`, you can use letters as well as period (.), underscore (\\_), and dash (-).",
            ),
            (
                "<p>How users for a specific identity provider are to mapped to roles. This is a String-to-<a>RoleMapping</a> object map.</p>",
                "How users for a specific identity provider are to mapped to roles. This is a String-to-`RoleMapping` object map.",
            ),
        ];
        for (html, expected) in cases {
            assert_eq!(to_markdown(html), *expected, "html: {html}");
        }
    }

    #[test]
    fn attrs_emit_one_doc_attribute_per_line() {
        let tokens = attrs("First line.\n\nSecond `x`.");
        let file: syn::File = syn::parse2(quote! { #tokens struct S; })
            .expect("doc attributes on a struct parse as a file");
        let printed = prettyplease::unparse(&file);
        assert_eq!(
            printed,
            "/// First line.\n///\n/// Second `x`.\nstruct S;\n"
        );
    }

    #[test]
    fn inner_attrs_emit_one_inner_doc_attribute_per_line() {
        let tokens = inner_attrs("Module docs.\n\nMore.");
        let file: syn::File =
            syn::parse2(tokens).expect("inner doc attributes parse as a file's attributes");
        let printed = prettyplease::unparse(&file);
        assert_eq!(printed, "//! Module docs.\n//!\n//! More.\n");
    }

    #[test]
    fn attrs_of_empty_markdown_is_empty() {
        assert!(attrs("").is_empty());
    }

    #[test]
    fn line_start_escapes_only_block_markers() {
        let cases = [
            ("# h", "\\# h"),
            ("#hashtag", "#hashtag"),
            ("- x", "\\- x"),
            ("-x", "-x"),
            ("---", "\\---"),
            ("===", "\\==="),
            ("= x", "= x"),
            ("> q", "\\> q"),
            ("12. x", "12\\. x"),
            ("3) x", "3\\) x"),
            ("2024 was", "2024 was"),
            ("1.5 GB", "1.5 GB"),
            ("```", "\\```"),
            ("plain", "plain"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_line_start(input), expected, "input: {input:?}");
        }
    }

    /// Every `documentation` string of a model JSON value, with its JSON path.
    fn collect_docs(value: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("documentation", serde_json::Value::String(doc)) => {
                            out.push((path.to_owned(), doc.clone()));
                        }
                        _ => collect_docs(child, &format!("{path}/{key}"), out),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    collect_docs(child, &format!("{path}/{index}"), out);
                }
            }
            _ => {}
        }
    }

    /// Problems a rustdoc reader would hit in `markdown`: raw HTML tags and brackets that
    /// are neither escaped nor part of `[text](url)`. Code spans and fenced blocks are
    /// skipped. Written independently of the converter's own scanner.
    fn lint(markdown: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let mut in_fence = false;
        for line in markdown.lines() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
                continue;
            }
            if in_fence {
                continue;
            }
            let chars: Vec<char> = line.chars().collect();
            let mut i = 0;
            let mut open_brackets = 0;
            while let Some(&c) = chars.get(i) {
                let next = chars.get(i + 1).copied();
                match c {
                    '\\' => i += 1,
                    '`' => {
                        let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                        let fence: String = "`".repeat(run);
                        let rest: String = chars[i + run..].iter().collect();
                        match rest.find(&fence) {
                            Some(end) => i += run + rest[..end].chars().count() + run - 1,
                            None => problems.push(format!("unclosed code span in {line:?}")),
                        }
                    }
                    '<' => {
                        let rest: String = chars[i + 1..].iter().collect();
                        let autolink = (rest.starts_with("http://")
                            || rest.starts_with("https://"))
                            && rest.find('>').is_some_and(|end| !rest[..end].contains(' '));
                        let tag_like =
                            next.is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!');
                        if tag_like && !autolink {
                            problems.push(format!("raw HTML in {line:?}"));
                        }
                        if autolink {
                            i += rest.find('>').unwrap_or(0) + 1;
                        }
                    }
                    '[' => open_brackets += 1,
                    ']' => {
                        if open_brackets == 0 || next != Some('(') {
                            problems.push(format!("unescaped `]` in {line:?}"));
                        } else {
                            open_brackets -= 1;
                            let rest: String = chars[i..].iter().collect();
                            i += rest.find(')').unwrap_or(0);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if open_brackets > 0 {
                problems.push(format!("unescaped `[` in {line:?}"));
            }
            if line.ends_with(' ') {
                problems.push(format!("trailing space in {line:?}"));
            }
            if line.contains("https://") || line.contains("http://") {
                let bare = line.split_whitespace().any(|word| {
                    let word = word.trim_start_matches(['(', '*']);
                    word.starts_with("http://") || word.starts_with("https://")
                });
                if bare {
                    problems.push(format!("bare URL in {line:?}"));
                }
            }
        }
        problems
    }

    #[test]
    fn lint_catches_what_it_should() {
        assert!(!lint("a <b> c").is_empty());
        assert!(!lint("a [b] c").is_empty());
        assert!(!lint("see https://x.com now").is_empty());
        assert!(lint("a \\<b> \\[c\\] `<d>` [e](https://f.com) <https://g.com>").is_empty());
    }

    #[test]
    fn every_model_documentation_string_converts_without_html_or_stray_brackets() {
        let models = [
            include_str!("../../model/cognito-identity/service-2.json"),
            include_str!("../../model/cognito-idp/service-2.json"),
        ];
        let mut problems = Vec::new();
        for text in models {
            let model: serde_json::Value =
                serde_json::from_str(text).expect("the vendored model is valid JSON");
            let mut docs = Vec::new();
            collect_docs(&model, "", &mut docs);
            assert!(
                docs.len() > 100,
                "expected the model's docs, found {}",
                docs.len()
            );
            check_docs(&docs, &mut problems);
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Converts each `(path, html)` and adds what [`lint`] finds, by path, to `problems`.
    fn check_docs(docs: &[(String, String)], problems: &mut Vec<String>) {
        for (path, html) in docs {
            let markdown = to_markdown(html);
            if !html.trim().is_empty() && markdown.is_empty() {
                problems.push(format!("{path}: empty result"));
            }
            for problem in lint(&markdown) {
                problems.push(format!("{path}: {problem}"));
            }
        }
    }
}
