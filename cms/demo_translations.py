"""French and Chinese translations of part of the demo content (issue #15): the home page,
the two index pages above them, the "Performance Standard essentials" learning module,
the "bauxite residue" recording and its speakers, and the public course's words.

Each is translated the way translators work: wagtail-localize's translation of the English
page or snippet, its PO file filled in (msgid: the English; msgstr: below) and imported,
then the translation saved, which copies the page with ``copy_for_translation`` into the
language's tree, linked to the English page. A string missing below stays English.
Idempotent: a page or snippet that has its translation already is left alone.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale

from cms.models import (
    HomePage,
    LearningModuleIndexPage,
    LearningModulePage,
    RecordingIndexPage,
    RecordingPage,
)
from cms.translations import translate_through_po

MODULE_SLUG = "performance-standard-essentials"
RECORDING_SLUG = "bauxite-residue"

_TRANSCRIPT = (
    "Host: Welcome to 45 minutes on this topic. Today our speakers share how their "
    "organisations approach it.<br/><br/>Speaker: We started with a map of our sites and "
    "the risks at each one, then agreed on indicators we could measure every quarter."
    "<br/><br/>Host: Thank you. Let us take questions from the audience."
)

FRENCH = {
    # home and index pages
    "Training, accreditation and the public register of accredited auditors.": (
        "Formation, accréditation et registre public des auditeurs accrédités."
    ),
    "Learning modules": "Modules d’apprentissage",
    "Self-paced modules on the standards and on due diligence. Mark each one complete when "
    "you are done; your progress shows on your dashboard.": (
        "Des modules à suivre à votre rythme sur les normes et sur le devoir de diligence. "
        "Marquez chacun comme terminé une fois fini ; votre progression s’affiche sur votre "
        "tableau de bord."
    ),
    "45 minutes on …": "45 minutes sur …",
    "A webinar series on the standards and on good practice, by and for members. Join a "
    "live session or watch a recording.": (
        "Une série de webinaires sur les normes et les bonnes pratiques, par et pour les "
        "membres. Participez à une session en direct ou regardez un enregistrement."
    ),
    # the learning module
    "Performance Standard essentials": "L’essentiel de la Norme de performance",
    "What the Performance Standard asks of each stage of the aluminium value chain: "
    "governance, environment and social principles, in plain words.": (
        "Ce que la Norme de performance exige à chaque étape de la chaîne de valeur de "
        "l’aluminium : gouvernance, environnement et principes sociaux, en termes simples."
    ),
    "Why this matters": "Pourquoi c’est important",
    "Work through the sections below at your own pace. Each takes a few minutes; the "
    "knowledge check at the end tells you whether the main points have stuck.": (
        "Parcourez les sections ci-dessous à votre rythme. Chacune ne prend que quelques "
        "minutes ; le contrôle des connaissances final vous indique si vous avez retenu "
        "l’essentiel."
    ),
    "From mine to market: the stages it covers.": ("De la mine au marché : les étapes couvertes."),
    "Due diligence is not a one-off check: it is how a company keeps learning about the "
    "risks in its own supply chain.": (
        "Le devoir de diligence n’est pas un contrôle ponctuel : c’est la manière dont une "
        "entreprise continue d’apprendre à connaître les risques de sa propre chaîne "
        "d’approvisionnement."
    ),
    "ASI Assurance Manual": "Manuel d’assurance de l’ASI",
    "In practice": "En pratique",
    "Map your sites and suppliers.": "Cartographiez vos sites et vos fournisseurs.",
    "Identify and assess the risks.": "Identifiez et évaluez les risques.",
    "Act on them and track the results.": "Agissez en conséquence et suivez les résultats.",
    "Report on what you did.": "Rendez compte de ce que vous avez fait.",
    "A two-minute overview": "Un aperçu en deux minutes",
    "Welcome. In this short overview we look at the requirement in brief, hear from a "
    "member, and answer common questions.": (
        "Bienvenue. Dans ce court aperçu, nous présentons l’exigence en bref, écoutons le "
        "témoignage d’un membre et répondons aux questions fréquentes."
    ),
    "Hear it from the members": "La parole aux membres",
    "Our “45 minutes on …” sessions go deeper into each topic.": (
        "Nos sessions « 45 minutes sur … » approfondissent chaque sujet."
    ),
    "Browse the recordings": "Parcourir les enregistrements",
    # the recording and its speakers
    "45 minutes on … bauxite residue management": (
        "45 minutes sur … la gestion des résidus de bauxite"
    ),
    "Bauxite residue management: what the standards require, how members do it, and "
    "questions from the audience.": (
        "Gestion des résidus de bauxite : ce qu’exigent les normes, comment les membres s’y "
        "prennent, et les questions du public."
    ),
    _TRANSCRIPT: (
        "Animateur : Bienvenue dans ces 45 minutes consacrées à ce sujet. Aujourd’hui, nos "
        "intervenants expliquent comment leurs organisations l’abordent.<br/><br/>"
        "Intervenant : Nous avons commencé par cartographier nos sites et les risques propres "
        "à chacun, puis nous nous sommes accordés sur des indicateurs mesurables chaque "
        "trimestre.<br/><br/>Animateur : Merci. Passons aux questions du public."
    ),
    "Head of Environment": "Responsable de l’environnement",
    "Sustainability Manager": "Responsable du développement durable",
    # the public course (its course translation snippet)
    "Introduction to responsible aluminium": "Introduction à l’aluminium responsable",
    "Open to everyone: the aluminium value chain and why standards matter.": (
        "Ouvert à tous : la chaîne de valeur de l’aluminium et l’importance des normes."
    ),
    "The value chain": "La chaîne de valeur",
    "From bauxite to products": "De la bauxite aux produits",
    "Mining, refining, smelting, casting.": "Extraction, raffinage, électrolyse, coulée.",
    "Why standards matter": "Pourquoi les normes comptent",
    "Trust, transparency and improvement.": "Confiance, transparence et amélioration.",
}

CHINESE = {
    "Training, accreditation and the public register of accredited auditors.": (
        "培训、认证以及经认证审核员的公开名录。"
    ),
    "Learning modules": "学习模块",
    "Self-paced modules on the standards and on due diligence. Mark each one complete when "
    "you are done; your progress shows on your dashboard.": (
        "按自己的节奏学习有关标准和尽职调查的模块。学完后请将模块标记为已完成；"
        "您的学习进度会显示在个人面板上。"
    ),
    "45 minutes on …": "45分钟谈……",
    "A webinar series on the standards and on good practice, by and for members. Join a "
    "live session or watch a recording.": (
        "由会员主讲、面向会员的网络研讨会系列，介绍标准与良好实践。您可以参加直播，也可以观看录像。"
    ),
    "Performance Standard essentials": "绩效标准要点",
    "What the Performance Standard asks of each stage of the aluminium value chain: "
    "governance, environment and social principles, in plain words.": (
        "用通俗易懂的语言说明绩效标准对铝价值链各环节的要求：治理、环境和社会原则。"
    ),
    "Why this matters": "为什么这很重要",
    "Work through the sections below at your own pace. Each takes a few minutes; the "
    "knowledge check at the end tells you whether the main points have stuck.": (
        "请按自己的节奏学习以下各节。每节只需几分钟；最后的知识测验会告诉您是否掌握了要点。"
    ),
    "From mine to market: the stages it covers.": "从矿山到市场：所涵盖的各个环节。",
    "Due diligence is not a one-off check: it is how a company keeps learning about the "
    "risks in its own supply chain.": (
        "尽职调查不是一次性的检查，而是企业持续了解自身供应链风险的方式。"
    ),
    "ASI Assurance Manual": "ASI 保证手册",
    "In practice": "实际操作",
    "Map your sites and suppliers.": "梳理您的场所和供应商。",
    "Identify and assess the risks.": "识别并评估风险。",
    "Act on them and track the results.": "采取应对措施并跟踪结果。",
    "Report on what you did.": "报告您所采取的措施。",
    "A two-minute overview": "两分钟概览",
    "Welcome. In this short overview we look at the requirement in brief, hear from a "
    "member, and answer common questions.": (
        "欢迎。在这段简短的概览中，我们将简要介绍该要求，听取一位会员的经验分享，并解答常见问题。"
    ),
    "Hear it from the members": "听听会员怎么说",
    "Our “45 minutes on …” sessions go deeper into each topic.": (
        "我们的“45分钟谈……”系列会对每个主题作更深入的探讨。"
    ),
    "Browse the recordings": "浏览录像",
    "45 minutes on … bauxite residue management": "45分钟谈……赤泥（铝土矿渣）管理",
    "Bauxite residue management: what the standards require, how members do it, and "
    "questions from the audience.": (
        "赤泥（铝土矿渣）管理：标准有哪些要求、会员如何落实，以及观众提问。"
    ),
    _TRANSCRIPT: (
        "主持人：欢迎收看本期“45分钟谈”。今天，几位嘉宾将分享各自机构的做法。<br/><br/>"
        "嘉宾：我们首先梳理了所有场所及每个场所的风险，然后商定了每个季度都可以衡量的指标。"
        "<br/><br/>主持人：谢谢。下面请观众提问。"
    ),
    "Head of Environment": "环境主管",
    "Sustainability Manager": "可持续发展经理",
    "Introduction to responsible aluminium": "负责任铝业入门",
    "Open to everyone: the aluminium value chain and why standards matter.": (
        "面向所有人：铝价值链以及标准为何重要。"
    ),
    "The value chain": "价值链",
    "From bauxite to products": "从铝土矿到产品",
    "Mining, refining, smelting, casting.": "采矿、精炼、电解、铸造。",
    "Why standards matter": "标准为何重要",
    "Trust, transparency and improvement.": "信任、透明与持续改进。",
}

TRANSLATIONS = {"fr": FRENCH, "zh-hans": CHINESE}


def _say(stdout, text: str) -> None:
    if stdout:
        stdout.write(f"  {text}")


def _objects_to_translate() -> list:
    """The English objects, parents before children and people before the recording that
    names them (a translation points at the translations of what it uses)."""
    english = Locale.get_default()
    home = HomePage.objects.filter(locale=english).order_by("path").first()
    module = LearningModulePage.objects.filter(locale=english, slug=MODULE_SLUG).first()
    recording = RecordingPage.objects.filter(locale=english, slug=RECORDING_SLUG).first()
    if home is None or module is None or recording is None:
        return []
    people = [speaker.person for speaker in recording.speakers.select_related("person")]
    return [
        home,
        LearningModuleIndexPage.objects.parent_of(module).get(),
        RecordingIndexPage.objects.parent_of(recording).get(),
        module,
        *people,
        recording,
        *_course_texts(),
    ]


def _course_texts() -> list:
    """The English words of the public demo course (made when it was published; brought
    up to date here in case the demo course was seeded before course translations)."""
    from courses.demo import PUBLIC_COURSE
    from courses.models import Course
    from courses.translations import refresh_course_text

    course = Course.objects.filter(slug=PUBLIC_COURSE, live=True).first()
    return [] if course is None else [refresh_course_text(course)]


def seed(stdout=None) -> None:
    objects = _objects_to_translate()
    if not objects:
        _say(stdout, "no demo pages to translate: run cms.demo first")
        return
    for language, strings in TRANSLATIONS.items():
        locale = Locale.objects.filter(language_code=language).first()
        if locale is None:
            _say(stdout, f"no locale {language}: run migrate first")
            continue
        for instance in objects:
            with transaction.atomic():
                _translation, created = translate_through_po(instance, locale, strings)
            if created:
                _say(stdout, f"{language}: {instance}")
