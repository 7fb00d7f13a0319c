"""Route groups served beside the channels; none of them is a conversation with a shopper.

- `site`: product images under `/media/`, product pages, and the demo `checkout_page`
  (framed by `page_frame`);
- `media`: the widget's photo upload, signed media links and try-on callbacks;
- `events`: shopper events in, explained recommendations out;
- `ab`: the A/B tests' banner, impressions, clicks and reports.

`channels.registry` lists `ab`, `media` and `events` as route groups, apart from the channels.
"""
