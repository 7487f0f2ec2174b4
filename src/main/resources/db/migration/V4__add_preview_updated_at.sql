-- When the running attempt last published its in-progress preview (the object under preview_key is
-- overwritten in place): lets clients see that a newer preview exists (the video object's
-- preview_updated_at, an event on the stream).

ALTER TABLE video_jobs ADD COLUMN preview_updated_at timestamptz;
