"""Graph IR -> execution plan (waves, buffer slots, feedback edges). Pure, no numpy."""
from .planner import FEEDBACK_BLOCK, Plan, plan

__all__ = ["FEEDBACK_BLOCK", "Plan", "plan"]
