-- Coverage runway per active client (SPEC 4.4): how long the client keeps its target of knowers
-- if nobody works on it. Projection without new work: on day A + o, the evidence dated up to A
-- decays from o days further and drops out once its age reaches window_days.
-- Between two drop-out days the evidence set is fixed, so every consultant's K is its K at A
-- times 0.5 ^ (o / half_life): the shares are constant there and each knower stays above the
-- floor up to o = half_life * log2(K_at_A / floor). Only those days are evaluated, never each day.
-- Params: $as_of_on, $half_life_days, $window_days, $ticket_weight, $knower_floor, $min_share,
--         $target_knowers, $active_days, $internal_clients, $absent (not knowers).
with

evidence as (
    select *, $as_of_on::date - evidence_on as age_days
    from knowledge_evidence(date '0001-01-01', $as_of_on::date, $ticket_weight, $internal_clients)
),

active_clients as (
    select
        e.client,
        coalesce(any_value(c.target_knowers), $target_knowers)::integer as target_knowers
    from evidence e
    left join clients c using (client)
    group by e.client
    having min(e.age_days) < $active_days
),

-- evidence inside the window at A: its K at A and the offset from A of its drop-out day
-- (the first day its age is no longer below window_days)
evidence_days as (
    select
        client,
        consultant,
        ceil($window_days)::integer - age_days as drop_offset,
        sum(weight * pow(0.5, age_days / $half_life_days::double)) as knowledge_at_as_of
    from evidence
    where age_days < $window_days and client in (select client from active_clients)
    group by client, consultant, drop_offset
),

-- segments of the runway: from A and from each drop-out day to the day before the next one
segment_starts as (
    select client, 0 as start_offset from active_clients
    union
    select client, drop_offset from evidence_days where drop_offset <= floor($window_days)
),

segments as (
    select
        client,
        start_offset,
        coalesce(
            lead(start_offset) over (partition by client order by start_offset) - 1,
            floor($window_days)::integer
        ) as end_offset
    from segment_starts
),

-- K only falls without new work: a consultant below the floor at A is never a knower later
-- (absent consultants never are); only the others are followed segment by segment
candidates as (
    select client, consultant
    from evidence_days
    where not list_contains($absent::varchar[], consultant)
    group by client, consultant
    having $knower_floor <= 0 or sum(knowledge_at_as_of) * (1 + 1e-9) >= $knower_floor
),

-- K at A still held at each segment start: a running sum from the last drop-out day down,
-- where a segment's marker comes before the evidence dropping out on its own first day
-- (consultant null: the whole client, for the shares)
held_events as (
    select client, consultant, drop_offset as at_offset, 0 as is_start, knowledge_at_as_of
    from evidence_days
    where (client, consultant) in (select (client, consultant) from candidates)
    union all
    select client, null, drop_offset, 0, knowledge_at_as_of from evidence_days
    union all
    select s.client, c.consultant, s.start_offset, 1, 0.0
    from segments s join candidates c using (client)
    union all
    select client, null, start_offset, 1, 0.0 from segments
),

held as (
    select
        client,
        consultant,
        at_offset as start_offset,
        is_start,
        sum(knowledge_at_as_of) over (
            partition by client, consultant
            order by at_offset desc, is_start desc
            rows unbounded preceding
        ) as held_at_as_of
    from held_events
),

segment_scores as (
    select s.client, s.start_offset, s.end_offset, h.consultant, h.held_at_as_of,
           t.held_at_as_of as client_held_at_as_of
    from segments s
    join held h on h.client = s.client and h.start_offset = s.start_offset
        and h.is_start = 1 and h.consultant is not null
    join held t on t.client = s.client and t.start_offset = s.start_offset
        and t.is_start = 1 and t.consultant is null
    where h.held_at_as_of > 0
),

-- the relative 1e-9 absorbs floating error, as in knowledge_scores.sql
rated as (
    select
        r.*,
        r.held_at_as_of * (1 + 1e-9) >= $min_share * r.client_held_at_as_of as share_held,
        case
            when $knower_floor <= 0 then 1e9
            else floor($half_life_days * log2(r.held_at_as_of * (1 + 1e-9) / $knower_floor))
        end as floor_last_offset
    from segment_scores r
),

-- a segment keeps the target up to the target-th latest floor crossing among its knowers
segment_holds as (
    select
        s.client,
        s.start_offset,
        s.end_offset,
        case
            when a.target_knowers <= 0 then 1e9
            else coalesce(
                list_sort(list(r.floor_last_offset) filter (where r.share_held), 'desc')
                    [a.target_knowers],
                -1e9)
        end as holds_until_offset,
        count(r.consultant) filter (where r.share_held and r.floor_last_offset >= 0)
            as knowers_at_start
    from segments s
    join active_clients a using (client)
    left join rated r using (client, start_offset)
    group by s.client, s.start_offset, s.end_offset, a.target_knowers
),

by_client as (
    select
        client,
        min(greatest(start_offset, holds_until_offset + 1))
            filter (where holds_until_offset < end_offset) as first_short_offset,
        max(knowers_at_start) filter (where start_offset = 0) as knowers
    from segment_holds
    group by client
),

final as (
    select
        b.client,
        case
            when b.knowers = 0 then 'uncovered'
            when b.knowers >= a.target_knowers then 'covered'
            when b.knowers = 1 then 'single'
            else 'thin'
        end as status,
        b.knowers::integer as knowers,
        a.target_knowers,
        case
            when b.knowers >= a.target_knowers
                then $as_of_on::date
                    + coalesce(b.first_short_offset - 1, floor($window_days))::integer
        end as covered_until,
        case
            when b.knowers >= a.target_knowers
                then coalesce(b.first_short_offset - 1, floor($window_days))::integer
        end as days_left
    from by_client b
    join active_clients a using (client)
    order by b.client
)

select * from final
