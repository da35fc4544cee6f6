//! Paginated lists as async streams that follow `page_info.next_marker`.
//!
//! The API pages lists (those whose spec declares `x-pagination`: VPN connections, customer
//! gateways, ...) with `limit` and `marker`; the marker
//! of the next page is `page_info.next_marker`, which is the `created_at` of the last item, not
//! an id. A stream fetches the next page only when the items of the current one have been
//! consumed, and ends after a page without a `next_marker`, an empty page, or a marker that
//! does not move (a server bug that would otherwise loop forever).
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use huaweicloud_vpn::pagination::Paginate;
//!
//! # async fn example(client: &huaweicloud_vpn::vpn_v5::Client) -> Result<(), huaweicloud_vpn::Error> {
//! // Every connection of one VPN gateway, 100 per request.
//! let connections: Vec<_> = client
//!     .list_vpn_connections()
//!     .vgw_id("b32d91a4-demo-a8df-va86-e907174eb11d")
//!     .limit(100)
//!     .stream()
//!     .try_collect()
//!     .await?;
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, Stream, StreamExt};

use crate::Error;

/// A page: its items and the marker of the next page, if any.
pub struct Page<T> {
    /// The page's items, in the service's order.
    pub items: Vec<T>,
    /// Where the next page starts (`page_info.next_marker`); `None` on the last page.
    pub next_marker: Option<String>,
}

/// A boxed future borrowing the client for `'a`.
pub type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send + 'a>>;

/// A list operation whose pages can be followed: implemented by the generated builder of every
/// list that declares `x-pagination` in its spec.
pub trait Paginate<'a>: Clone + Sized + Send + 'a {
    /// What the list holds.
    type Item: Send + 'a;

    /// Fetches the page that starts at `marker` (the first page for `None`).
    fn page(self, marker: Option<String>) -> PageFuture<'a, Self::Item>;

    /// Every item of every page, fetching pages as they are needed.
    fn stream(self) -> Pin<Box<dyn Stream<Item = Result<Self::Item, Error>> + Send + 'a>> {
        enum State<B> {
            Next(B, Option<String>),
            Done,
        }
        let pages = stream::unfold(State::Next(self, None), |state| async move {
            let State::Next(builder, marker) = state else {
                return None;
            };
            match builder.clone().page(marker.clone()).await {
                Err(error) => Some((vec![Err(error)], State::Done)),
                Ok(page) => {
                    let next = match page.next_marker {
                        Some(next) if !page.items.is_empty() && Some(&next) != marker.as_ref() => {
                            State::Next(builder, Some(next))
                        }
                        _ => State::Done,
                    };
                    Some((page.items.into_iter().map(Ok).collect::<Vec<_>>(), next))
                }
            }
        });
        Box::pin(pages.flat_map(stream::iter))
    }
}
