-- Every alias (another spelling of a consultant's name) and the consultant it stands for.
with

final as (
    select alias, consultant
    from consultant_aliases
    order by consultant, alias
)

select * from final
