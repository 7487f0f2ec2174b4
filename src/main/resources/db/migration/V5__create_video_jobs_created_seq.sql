-- Every row inserted into video_jobs draws a number from one sequence (a column default: whatever inserts
-- the row). Sequences are not transactional and take no row lock, so this costs nothing to concurrent
-- creates; the API reads the sequence to bound how many jobs a key can have gained since it last counted
-- them, instead of counting them on every create (see dev.walt.api.VideoCreation). The column is added
-- without a default first, so existing rows keep NULL and the table is not rewritten.
CREATE SEQUENCE video_jobs_created_seq;
ALTER TABLE video_jobs ADD COLUMN created_seq bigint;
ALTER TABLE video_jobs ALTER COLUMN created_seq SET DEFAULT nextval('video_jobs_created_seq');
ALTER SEQUENCE video_jobs_created_seq OWNED BY video_jobs.created_seq;
