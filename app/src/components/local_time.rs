//! A moment as the reader's own clock shows it, with their time zone named ("1 Dec 2026,
//! 09:00 CET"). The server cannot know the reader's zone: it renders UTC (named so), and the
//! browser rewrites it once the page is live, so both renders agree when the page hydrates.

use crate::format::datetime;
use leptos::prelude::*;

/// `ms` in the browser's own time zone, named; UTC where there is no browser.
pub fn in_browser_zone(ms: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let options = js_sys::Object::new();
        for (key, value) in [
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("timeZoneName", "short"),
        ] {
            let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
        }
        let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
        let text: String = date.to_locale_string("en-GB", &options).into();
        if !text.is_empty() && text != "Invalid Date" {
            return text;
        }
    }
    datetime(ms)
}

#[component]
pub fn LocalTime(ms: i64) -> impl IntoView {
    let text = RwSignal::new(datetime(ms));
    // Effects run in the browser only, after hydration.
    Effect::new(move |_| text.set(in_browser_zone(ms)));
    view! { <time datetime=crate::format::iso(ms) data-testid="local-time">{text}</time> }
}

/// "from – to" in the reader's zone.
#[component]
pub fn LocalWindow(opens: i64, closes: i64) -> impl IntoView {
    view! { <LocalTime ms=opens />" – "<LocalTime ms=closes /> }
}
