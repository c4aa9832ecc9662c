-- Redundancy status counts of the active clients at several as-of dates (month ends), in one pass.
--
-- Evidence is cut into segments at every point T and at every window and activity edge
-- (T - window_days, T - active_days), so each point's window is a run of whole segments.
-- Decay is factored out: 0.5 ^ ((T - d) / h) = 0.5 ^ ((R - d) / h) * 2 ^ ((R - T) / h), with
-- R the last point, so one sum per (consultant, client, segment) serves every point.
-- Only pairs that could be knowers are scored per point: knowledge never exceeds the pair's
-- undecayed evidence, so a pair whose total evidence is below the floor or below min_share of
-- the client's knowledge at T cannot be a knower at T (this keeps sparse pairs out).
-- Params: $points_on (date list), $half_life_days, $window_days, $ticket_weight, $knower_floor,
--         $min_share, $target_knowers, $active_days.
with

points as (
    select distinct unnest($points_on::date[]) as point_on
),

edges as (
    select point_on as edge_on from points
    union
    select point_on - ceil($window_days)::integer from points
    union
    select point_on - ceil($active_days)::integer from points
),

-- segment s holds the days in (edge s-1, edge s]
edge_index as (
    select edge_on, row_number() over (order by edge_on) as seg from edges
),

bounds as (
    select min(edge_on) as first_edge_on, max(edge_on) as reference_on from edges
),

days as (
    select unnest(generate_series(first_edge_on + 1, reference_on, interval 1 day))::date as day_on
    from bounds
),

day_segments as (
    select d.day_on, e.seg
    from days d
    asof join edge_index e on d.day_on <= e.edge_on
),

point_segments as (
    select p.point_on, hi.seg as hi_seg, lo.seg as lo_seg, act.seg as active_seg
    from points p
    join edge_index hi on hi.edge_on = p.point_on
    join edge_index lo on lo.edge_on = p.point_on - ceil($window_days)::integer
    join edge_index act on act.edge_on = p.point_on - ceil($active_days)::integer
),

-- evidence inside the span of all points' windows
evidence as (
    select *
    from knowledge_evidence(
        (select first_edge_on from bounds), (select reference_on from bounds),
        $ticket_weight, $internal_clients)
),

pair_segments as (
    select
        e.consultant,
        e.client,
        s.seg,
        count(*) as evidence_count,
        sum(e.weight) as weight,
        sum(e.weight * pow(0.5, (b.reference_on - e.evidence_on) / $half_life_days::double))
            as scaled
    from evidence e
    join day_segments s on e.evidence_on = s.day_on
    cross join bounds b
    group by e.consultant, e.client, s.seg
),

-- per client and point: total knowledge and whether the client is active
client_segments as (
    select client, seg, sum(evidence_count) as evidence_count, sum(scaled) as scaled
    from pair_segments
    group by client, seg
),

client_points as (
    select
        c.client,
        p.point_on,
        coalesce(sum(c.scaled) filter (where c.seg > p.lo_seg), 0)
            * pow(2, (b.reference_on - p.point_on) / $half_life_days::double) as client_knowledge,
        coalesce(sum(c.evidence_count) filter (where c.seg > p.active_seg), 0) > 0 as is_active
    from client_segments c
    join point_segments p on c.seg <= p.hi_seg and c.seg > least(p.lo_seg, p.active_seg)
    cross join bounds b
    group by c.client, p.point_on, b.reference_on
),

-- pairs that could be knowers at a point, then their exact knowledge there
pair_weights as (
    select consultant, client, sum(weight) as weight
    from pair_segments
    group by consultant, client
    having sum(weight) * (1 + 1e-9) >= $knower_floor
),

candidates as (
    select w.consultant, w.client, c.point_on, c.client_knowledge
    from pair_weights w
    join client_points c on w.client = c.client
    where c.is_active and w.weight * (1 + 1e-9) >= $min_share * c.client_knowledge
),

-- running sums per candidate pair over its own segments, read at each point's window edges:
-- probe rows (the last segment of the window, +1; the last one before it, -1) ride along the
-- evidence rows, after those of the same segment
candidate_pairs as (
    select distinct consultant, client from candidates
),

probes as (
    select c.consultant, c.client, c.point_on, c.client_knowledge, p.hi_seg as seg, 1 as sign
    from candidates c
    join point_segments p using (point_on)
    union all
    select c.consultant, c.client, c.point_on, c.client_knowledge, p.lo_seg as seg, -1 as sign
    from candidates c
    join point_segments p using (point_on)
),

stream as (
    select consultant, client, seg, false as is_probe, scaled,
           null::date as point_on, null::double as client_knowledge, 0 as sign
    from pair_segments
    semi join candidate_pairs using (consultant, client)
    union all
    select consultant, client, seg, true, 0, point_on, client_knowledge, sign
    from probes
),

running as (
    select
        *,
        sum(scaled) over (
            partition by consultant, client order by seg, is_probe rows unbounded preceding
        ) as running_scaled
    from stream
),

candidate_scores as (
    select
        client,
        point_on,
        any_value(client_knowledge) as client_knowledge,
        sum(sign * running_scaled) as window_scaled
    from running
    where is_probe
    group by consultant, client, point_on
),

-- knowers per client and point (relative 1e-9: floating error at a threshold)
knowers as (
    select client, point_on, count(*) as knowers
    from (
        select
            client,
            point_on,
            client_knowledge,
            window_scaled
                * pow(2, (reference_on - point_on) / $half_life_days::double) as knowledge
        from candidate_scores, bounds
    )
    where knowledge * (1 + 1e-9) >= $knower_floor
      and knowledge * (1 + 1e-9) >= $min_share * client_knowledge
    group by client, point_on
),

statuses as (
    select
        c.point_on,
        case
            when coalesce(k.knowers, 0) = 0 then 'uncovered'
            -- a client's own target (clients directory) before the setting
            when k.knowers >= coalesce(t.target_knowers, $target_knowers) then 'covered'
            when k.knowers = 1 then 'single'
            else 'thin'
        end as status
    from client_points c
    left join knowers k using (client, point_on)
    left join clients t on t.client = c.client
    where c.is_active
),

final as (
    select
        points.point_on as month_end,
        count(s.status) filter (where s.status = 'covered')::integer as covered,
        count(s.status) filter (where s.status = 'thin')::integer as thin,
        count(s.status) filter (where s.status = 'single')::integer as single,
        count(s.status) filter (where s.status = 'uncovered')::integer as uncovered
    from points
    left join statuses s using (point_on)
    group by points.point_on
    order by month_end
)

select * from final
