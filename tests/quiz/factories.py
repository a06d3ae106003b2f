"""Factories and builders for the quiz engine's tests."""

from decimal import Decimal

import factory

from courses.quiz.models import (
    Answer,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionType,
    Quiz,
    QuizSlot,
)


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Bank {n}")


class QuestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionCategory

    bank = factory.SubFactory(QuestionBankFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    category = factory.SubFactory(QuestionCategoryFactory)
    qtype = QuestionType.SINGLE
    name = factory.Sequence(lambda n: f"Question {n}")
    text = factory.Sequence(lambda n: f"What is the answer to question {n}?")


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    pass_mark = Decimal("50")
    shuffle_answers = False


def add_answers(question, *answers):
    """answers: (text, fraction[, feedback[, extra kwargs]])."""
    for index, spec in enumerate(answers):
        text, fraction, *rest = spec
        feedback = rest[0] if rest else ""
        extra = rest[1] if len(rest) > 1 else {}
        Answer.objects.create(
            question=question,
            sort_order=index,
            text=text,
            fraction=Decimal(str(fraction)),
            feedback=feedback,
            **extra,
        )
    return question


def single_choice(category=None, **kwargs):
    question = QuestionFactory(
        qtype=QuestionType.SINGLE, **({"category": category} if category else {}), **kwargs
    )
    return add_answers(
        question,
        ("Bauxite", 1, "FEEDBACK-RIGHT-CHOICE"),
        ("Copper", 0, "FEEDBACK-WRONG-CHOICE"),
        ("Nickel", 0),
    )


def essay(category=None, **kwargs):
    return QuestionFactory(
        qtype=QuestionType.ESSAY, **({"category": category} if category else {}), **kwargs
    )


def quiz_with(*questions, **kwargs) -> Quiz:
    quiz = QuizFactory(**kwargs)
    for index, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=index)
    return quiz


def exam_of_one_question(**kwargs) -> Quiz:
    """An exam (``is_exam``) of one single-choice question from an exam pool."""
    return quiz_with(
        single_choice(category=QuestionCategoryFactory(is_exam_pool=True)), is_exam=True, **kwargs
    )


def token_for(response, index: int) -> str:
    """The opaque token a learner's page shows for choice (or matching option) ``index`` of
    the bank, in this response: what a browser posts to pick it."""
    return response.choice_tokens[response.choice_order.index(index)]


def choice_token(attempt, position: int, index: int) -> str:
    return token_for(attempt.responses.get(position=position), index)
