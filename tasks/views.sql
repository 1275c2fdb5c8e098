-- Analysis views over the warehouse tables, with descriptions for `chuxin query --list`.
--
-- Executed on every build of the warehouse (tasks/warehouse.py, after CREATE TABLE and before
-- publish), so every statement must be idempotent: CREATE OR REPLACE VIEW / COMMENT ON.
--
-- Convention: each `v_x_all` view includes every report; `v_x` is the same view restricted to
-- the reports that are not held back. A report is held back when a critical expectation failed
-- on it (its doc_id is in dq_failures with severity = 'critical'); table-level failures, which
-- name no doc_id, hold back nothing. `held_back` is a column of every `_all` view that can have it.
--
-- Multi-valued cells (two people in one role, the provinces of a group) are strings joined with
-- '、', ordered by meeting date then province code, so results are deterministic.
-- `region` is the traditional six-way grouping given by the first digit of the division code
-- (1 华北, 2 东北, 3 华东, 4 中南, 5 西南, 6 西北).

-- Base tables -----------------------------------------------------------------------------------

COMMENT ON TABLE reports IS 'One row per loaded document: title, kind (provincial_meeting/other), province, campaign, meeting date, venue, format, central guidance group number; keyed by doc_id, joined fastest on doc_key (an integer in every document table).';
COMMENT ON TABLE people IS 'Officials named in a report, one row per (doc_id, name, role); role is party_secretary, governor, cppcc_chair, host (chaired the meeting), group_leader or group_deputy (central guidance group).';
COMMENT ON TABLE speeches IS 'Speech paragraphs: who spoke (speaker), with which verb (指出/强调/要求…), and the paragraph text.';
COMMENT ON TABLE slogans IS 'Formulaic slogans quoted in a report (e.g. 两个维护, 四个意识) with their number of mentions n.';
COMMENT ON TABLE evidence IS 'Where each extracted value was found: field, value, paragraph number and character span.';
COMMENT ON TABLE quarantine IS 'Files that could not be loaded (unreadable, duplicate, not a report …): stage and reason.';
COMMENT ON TABLE sources IS 'Every raw file the pipeline has seen: path, doc_id, sha256, size, mtime, status, last run.';
COMMENT ON TABLE runs IS 'One row per pipeline run: counts of files seen/new/changed/loaded/quarantined and outcome.';
COMMENT ON TABLE dq_results IS 'Great Expectations results of every run: suite, expectation, severity, success, rows checked/failed.';
COMMENT ON TABLE dq_failures IS 'Current data-quality failures, one row per failing document and expectation; severity critical holds the report back from the v_* views.';
COMMENT ON TABLE dq_runs IS 'Expectation totals per run and suite: expectations, passed, failed, critical failures.';

-- Helpers ---------------------------------------------------------------------------------------

CREATE OR REPLACE MACRO region_of(code) AS
    CASE left(code, 1) WHEN '1' THEN '华北' WHEN '2' THEN '东北' WHEN '3' THEN '华东'
                       WHEN '4' THEN '中南' WHEN '5' THEN '西南' WHEN '6' THEN '西北' END;

-- Held-back reports -----------------------------------------------------------------------------

CREATE OR REPLACE VIEW v_held_back AS
SELECT f.doc_id,
       string_agg(DISTINCT f.expectation, ', ' ORDER BY f.expectation) AS expectations,
       string_agg(DISTINCT f.observed, '; ' ORDER BY f.observed) AS observed
FROM dq_failures f
WHERE f.severity = 'critical' AND f.doc_id IS NOT NULL
GROUP BY f.doc_id
ORDER BY f.doc_id;
COMMENT ON VIEW v_held_back IS 'Reports held back from the v_* views because a critical expectation failed on them (doc_id, failed expectations, observed values).';

-- Meetings --------------------------------------------------------------------------------------

CREATE OR REPLACE VIEW v_meetings_all AS
WITH roles AS (
    SELECT doc_id,
           string_agg(DISTINCT name, '、' ORDER BY name) FILTER (WHERE role = 'party_secretary') AS party_secretary,
           string_agg(DISTINCT name, '、' ORDER BY name) FILTER (WHERE role = 'governor') AS governor,
           string_agg(DISTINCT name, '、' ORDER BY name) FILTER (WHERE role = 'cppcc_chair') AS cppcc_chair,
           string_agg(DISTINCT name, '、' ORDER BY name) FILTER (WHERE role = 'host') AS host,
           string_agg(DISTINCT name, '、' ORDER BY name) FILTER (WHERE role = 'group_leader') AS group_leader,
           string_agg(DISTINCT name, '、' ORDER BY name) FILTER (WHERE role = 'group_deputy') AS group_deputy
    FROM people
    GROUP BY doc_id
)
SELECT r.doc_id,
       r.listing_no,
       r.province,
       r.province_code,
       region_of(r.province_code) AS region,
       r.campaign,
       r.meeting_date,
       r.time_of_day,
       r.date_inferred,
       r.venue_city,
       r.meeting_format,
       r.guidance_group_no,
       ro.party_secretary,
       ro.governor,
       ro.cppcc_chair,
       ro.host,
       ro.group_leader,
       ro.group_deputy,
       r.title,
       h.doc_id IS NOT NULL AS held_back
FROM reports r
LEFT JOIN roles ro USING (doc_id)
LEFT JOIN v_held_back h USING (doc_id)
WHERE r.kind = 'provincial_meeting'
ORDER BY r.meeting_date NULLS LAST, r.province_code, r.doc_id;
COMMENT ON VIEW v_meetings_all IS 'One row per provincial meeting report, officials in columns (party_secretary, governor, cppcc_chair, host = who chaired, group_leader, group_deputy), with date, venue, format, guidance group and region; includes held-back reports (held_back = true).';

CREATE OR REPLACE VIEW v_meetings AS
SELECT * EXCLUDE (held_back) FROM v_meetings_all WHERE NOT held_back
ORDER BY meeting_date NULLS LAST, province_code, doc_id;
COMMENT ON VIEW v_meetings IS 'One row per provincial meeting, officials in columns (party_secretary, governor, cppcc_chair, host = who chaired, group_leader, group_deputy), with date, venue, format, guidance group and region; excludes reports held back by critical data-quality failures.';

-- Central guidance groups -----------------------------------------------------------------------
-- Each aggregate is written once, as a table macro; `keep` says whether held-back reports count.
-- Filtering happens before aggregation, so v_x and v_x_all can differ in counts, not just rows.

CREATE OR REPLACE MACRO group_coverage(keep) AS TABLE
WITH m AS (SELECT * FROM v_meetings_all WHERE guidance_group_no IS NOT NULL AND (keep OR NOT held_back)),
per_province AS (  -- a province met by the same group twice (or reported twice) counts once
    SELECT campaign, guidance_group_no, province, province_code,
           min(meeting_date) AS first_date, max(meeting_date) AS last_date, count(*) AS n_meetings,
           bool_or(held_back) AS held_back
    FROM m GROUP BY ALL
),
names AS (
    SELECT m.campaign, m.guidance_group_no,
           string_agg(DISTINCT p.name, '、' ORDER BY p.name) FILTER (WHERE p.role = 'group_leader') AS group_leader,
           string_agg(DISTINCT p.name, '、' ORDER BY p.name) FILTER (WHERE p.role = 'group_deputy') AS group_deputy
    FROM m JOIN people p USING (doc_id)
    GROUP BY ALL
)
SELECT g.campaign,
       g.guidance_group_no,
       any_value(n.group_leader) AS group_leader,
       any_value(n.group_deputy) AS group_deputy,
       count(*) AS n_provinces,
       sum(g.n_meetings)::BIGINT AS n_meetings,
       string_agg(coalesce(g.province, '?'), '、' ORDER BY g.first_date NULLS LAST, g.province_code) AS provinces,
       string_agg(coalesce(strftime(g.first_date, '%Y-%m-%d'), '?'), '、'
                  ORDER BY g.first_date NULLS LAST, g.province_code) AS dates,
       min(g.first_date) AS first_date,
       max(g.last_date) AS last_date,
       bool_or(g.held_back) AS any_held_back
FROM per_province g
LEFT JOIN names n ON n.campaign IS NOT DISTINCT FROM g.campaign AND n.guidance_group_no = g.guidance_group_no
GROUP BY g.campaign, g.guidance_group_no;

CREATE OR REPLACE VIEW v_group_coverage_all AS
SELECT * FROM group_coverage(true) ORDER BY campaign, guidance_group_no;
COMMENT ON VIEW v_group_coverage_all IS 'Central guidance group (campaign, number) → leader, deputy, the provinces it attended (each once, in order of first meeting), their first meeting dates, number of meetings; includes held-back reports. Two names in group_leader mean the reports disagree.';

CREATE OR REPLACE VIEW v_group_coverage AS
SELECT * EXCLUDE (any_held_back) FROM group_coverage(false) ORDER BY campaign, guidance_group_no;
COMMENT ON VIEW v_group_coverage IS 'Central guidance group (campaign, number) → leader, deputy, the provinces it attended (each once, in order of first meeting), their first meeting dates, number of meetings; excludes reports held back by critical data-quality failures. Two names in group_leader mean the reports disagree.';

-- Officials -------------------------------------------------------------------------------------

CREATE OR REPLACE MACRO officials(keep) AS TABLE
SELECT p.name,
       string_agg(DISTINCT p.role, '、' ORDER BY p.role) AS roles,
       count(DISTINCT p.role) AS n_roles,
       count(DISTINCT p.doc_id) AS n_reports,
       string_agg(DISTINCT r.province, '、' ORDER BY r.province) AS provinces,
       string_agg(DISTINCT p.role || '@' || coalesce(r.province, p.doc_id), '、'
                  ORDER BY p.role || '@' || coalesce(r.province, p.doc_id)) AS appearances,
       min(r.meeting_date) AS first_date,
       max(r.meeting_date) AS last_date,
       bool_or(h.doc_id IS NOT NULL) AS any_held_back
FROM people p
LEFT JOIN reports r USING (doc_id)
LEFT JOIN v_held_back h USING (doc_id)
WHERE keep OR h.doc_id IS NULL
GROUP BY p.name;

CREATE OR REPLACE VIEW v_officials_all AS
SELECT * FROM officials(true) ORDER BY n_reports DESC, n_roles DESC, first_date NULLS LAST, name;
COMMENT ON VIEW v_officials_all IS 'One row per person: distinct roles, number of reports, provinces, role@province appearances and date range; includes held-back reports.';

CREATE OR REPLACE VIEW v_officials AS
SELECT * EXCLUDE (any_held_back) FROM officials(false)
ORDER BY n_reports DESC, n_roles DESC, first_date NULLS LAST, name;
COMMENT ON VIEW v_officials IS 'One row per person: distinct roles, number of reports, provinces, role@province appearances and date range; excludes reports held back by critical data-quality failures.';

-- Slogans ---------------------------------------------------------------------------------------

CREATE OR REPLACE MACRO slogans_by_province(keep) AS TABLE
SELECT r.province,
       r.province_code,
       region_of(r.province_code) AS region,
       s.slogan,
       sum(s.n)::INTEGER AS n_mentions,
       count(*) AS n_reports,  -- one row per (doc_id, slogan): no DISTINCT needed
       bool_or(h.doc_id IS NOT NULL) AS any_held_back
FROM slogans s
JOIN reports r USING (doc_id)
LEFT JOIN v_held_back h USING (doc_id)
WHERE keep OR h.doc_id IS NULL
GROUP BY r.province, r.province_code, s.slogan;

CREATE OR REPLACE VIEW v_slogans_all AS
SELECT * FROM slogans_by_province(true) ORDER BY province_code NULLS LAST, n_mentions DESC, slogan;
COMMENT ON VIEW v_slogans_all IS 'Slogan counts by province (and region): mentions and number of reports quoting it; province is NULL for reports without one; includes held-back reports.';

CREATE OR REPLACE VIEW v_slogans AS
SELECT * EXCLUDE (any_held_back) FROM slogans_by_province(false)
ORDER BY province_code NULLS LAST, n_mentions DESC, slogan;
COMMENT ON VIEW v_slogans IS 'Slogan counts by province (and region): mentions and number of reports quoting it; province is NULL for reports without one; excludes reports held back by critical data-quality failures.';

-- Timeline --------------------------------------------------------------------------------------

CREATE OR REPLACE MACRO timeline(keep) AS TABLE
SELECT meeting_date,
       count(*) AS n_meetings,
       sum(count(*)) OVER (ORDER BY meeting_date)::BIGINT AS n_cumulative,
       string_agg(province, '、' ORDER BY province_code) AS provinces,
       count(*) FILTER (WHERE held_back) AS n_held_back
FROM v_meetings_all
WHERE meeting_date IS NOT NULL AND (keep OR NOT held_back)
GROUP BY meeting_date;

CREATE OR REPLACE VIEW v_timeline_all AS
SELECT * FROM timeline(true) ORDER BY meeting_date;
COMMENT ON VIEW v_timeline_all IS 'Provincial meetings per day: count, running total and provinces; includes held-back reports (n_held_back of them that day).';

CREATE OR REPLACE VIEW v_timeline AS
SELECT * EXCLUDE (n_held_back) FROM timeline(false) ORDER BY meeting_date;
COMMENT ON VIEW v_timeline IS 'Provincial meetings per day: count, running total and provinces; excludes reports held back by critical data-quality failures.';
